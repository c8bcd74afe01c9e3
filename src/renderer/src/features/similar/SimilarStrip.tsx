// "More like this": the library images nearest to one image (cosine over the MobileNetV2 features), each with
// its label — a border says whether it agrees with the label (or suggestion) the user is judging. A library
// image asks the host's index (milliseconds, loads at once — but the first query of a large library waits for
// the index to be built in a worker, with progress and Cancel); a file outside the library needs its features
// extracted in a worker, so that waits for a click.
import { useEffect, useState } from 'react';
import type { SimilarResult } from '../../../../shared/types';
import { isCancelledError } from '../../../../shared/contract';
import { getApi, imageUrl } from '../../app/api';
import { errorMessage } from '../../app/format';
import { ProgressBar } from '../../ui/states';
import { cancelSimilar, useSimilar, whileWaiting } from './similar.store';
import { openImagesInBrowse } from '../runs/runs.store';
import './similar.css';

export interface SimilarStripProps {
  imageId?: number;
  path?: string;
  /** A file the page holds (an object URL, e.g. a dropped image in Predict) and the name it is shown by. */
  upload?: { url: string; name: string };
  /** The class the neighbours are compared with (green border when they share it, red when not). */
  compareTo?: string | null;
  k?: number;
  title?: string;
}

async function toBase64(url: string): Promise<string> {
  const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

/** "index: PCA fit" → "Building the similar-images index: PCA fit" (once per library and its features). */
function progressLabel(phase: string): string {
  return phase.startsWith('index: ') ? `Building the similar-images index: ${phase.slice(7)}` : phase === 'features' ? 'Computing features' : phase;
}

export function SimilarStrip({ imageId, path, upload, compareTo, k = 8, title = 'More like this' }: SimilarStripProps) {
  const [result, setResult] = useState<SimilarResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [asked, setAsked] = useState(imageId !== undefined);
  const [cancelled, setCancelled] = useState(false);
  const progress = useSimilar((s) => s.progress);
  const job = imageId !== undefined ? 'similar.index' : 'similar.files';

  useEffect(() => {
    setResult(null);
    setError(null);
    setAsked(imageId !== undefined);
    setCancelled(false);
  }, [imageId, path, upload?.url]);

  useEffect(() => {
    if (!asked || cancelled || (imageId === undefined && path === undefined && !upload)) return;
    let live = true;
    setBusy(true);
    const input = async () =>
      imageId !== undefined ? { imageId, k } : path !== undefined ? { path, k } : { upload: { name: upload!.name, base64: await toBase64(upload!.url) }, k };
    whileWaiting(() => input().then((i) => getApi()['similar.query'](i)))
      .then((r) => live && (setResult(r), setError(r.error ?? null)))
      .catch((e) => live && (isCancelledError(job, e) ? setCancelled(true) : setError(errorMessage(e))))
      .finally(() => live && setBusy(false));
    return () => {
      live = false;
    };
  }, [asked, cancelled, imageId, path, upload?.url, k]);

  const agree = result && compareTo ? result.neighbours.filter((n) => n.label === compareTo).length : null;
  return (
    <section className="similar-strip" data-testid="similar-strip">
      <h4>
        {title}
        {agree !== null && result!.neighbours.length > 0 && (
          <span className="faint small" data-testid="similar-agree">
            {' '}· {agree} of {result!.neighbours.length} are {compareTo}
          </span>
        )}
      </h4>
      {!asked || cancelled ? (
        <button className="btn" onClick={() => (setCancelled(false), setAsked(true))} data-testid="similar-load">
          {cancelled ? 'Cancelled — find similar library images' : 'Find similar library images'}
        </button>
      ) : error ? (
        <p className="small faint" data-testid="similar-error">{error}</p>
      ) : busy && progress ? (
        <div className="similar-progress" data-testid="similar-progress">
          <ProgressBar done={progress.done} total={progress.total} label={progressLabel(progress.phase)} />
          <button className="btn sm" onClick={() => void cancelSimilar(job)} data-testid="similar-cancel">
            Cancel
          </button>
        </div>
      ) : busy || !result ? (
        <p className="small faint">Looking…</p>
      ) : (
        <div className="similar-items">
          {result.neighbours.map((n) => (
            <button
              key={n.imageId}
              className={`similar-item${compareTo ? (n.label === compareTo ? ' agree' : ' disagree') : ''}`}
              title={`${n.path}\n${n.label ?? 'unlabeled'} · distance ${n.distance.toFixed(3)}`}
              onClick={() => openImagesInBrowse(result.neighbours.map((x) => x.imageId), undefined, 'Similar images')}
              data-testid="similar-item"
            >
              <img src={imageUrl('thumb', n.imageId)} alt="" loading="lazy" />
              <span className="xs">{n.label ?? 'unlabeled'}</span>
            </button>
          ))}
        </div>
      )}
    </section>
  );
}
