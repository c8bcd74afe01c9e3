// The detail panel's line for an unlabeled image with a suggestion (#14): the suggested class and confidence,
// dashed like the tile so it never reads as a label, and Accept (the same as `A` on this one image). Nothing at
// all for a labeled image or one without a suggestion.
import type { ImageSummary } from '../../../../shared/types';
import { pct } from '../../app/format';
import { acceptImage } from './suggestions';

export function DetailSuggestion({ item }: { item: ImageSummary | undefined }) {
  if (!item || item.classId !== null || item.suggestedClassId == null) return null;
  return (
    <div className="detail-body" style={{ paddingBottom: 0 }}>
      <div className="row" data-testid="detail-suggestion" style={{ border: '1px dashed var(--accent)', borderRadius: 'var(--radius)', padding: '6px 8px', gap: 8 }}>
        <span className="small">
          Suggested <b>{item.suggestedClassName ?? `class ${item.suggestedClassId}`}</b> {pct(item.suggestionConfidence ?? null)}
          <span className="faint xs"> · not a label until accepted</span>
        </span>
        <div className="spacer" />
        <button className="btn sm primary" onClick={() => void acceptImage(item.id)} data-testid="detail-accept" title="Accept this suggestion as the label (A)">
          Accept
        </button>
      </div>
    </div>
  );
}
