// The image set applied to Browse from elsewhere (a compare gallery, a confusion-matrix cell): always named in
// the selection bar, with a button that clears it, so a narrowed grid never looks like the whole library.
import { useApp } from '../../app/app.store';
import { confusionCellLabel } from '../runs/compare';
import { clearImageSet, imageSetLabel, useBrowse } from './browse.store';

export function ImageSetChip() {
  const filter = useBrowse((s) => s.filter);
  const imageSet = useBrowse((s) => s.imageSet);
  const classes = useApp((s) => s.library?.classes);
  const label = imageSet?.kind === 'cell' && classes ? confusionCellLabel(filter, classes) : imageSetLabel(filter, imageSet);
  if (!label) return null;
  return (
    <span className="chip on set-chip" data-testid="image-set" title="Only these images are shown; other filters narrow them further">
      <span className="faint">in</span>
      <span className="set-label">{label}</span>
      <button className="chip-clear" onClick={clearImageSet} aria-label="Clear this image set" title="Show every image again" data-testid="image-set-clear">
        ✕
      </button>
    </span>
  );
}
