// The heat map overlay as the Predict cards and the Suspects queue use it: Predict opens it on demand (a card is
// small; its image is shown larger here), Suspects wraps the current image with the default run's heat.
import { useState, type ReactNode } from 'react';
import type { PredictResult } from '../../../../shared/types';
import { imageUrl } from '../../app/api';
import { HeatmapOverlay, useBrowseExplainRun } from './HeatmapOverlay';
import type { ExplainTarget } from './explain.store';

/**
 * The bytes of an image the page shows from an object URL. The page's CSP lets it show blob: images but not fetch
 * them, so the decoded pixels are re-encoded losslessly (PNG): the model then sees the same pixels, give or take
 * the rounding of two JPEG decoders.
 */
async function readObjectUrl(url: string): Promise<string> {
  const img = new Image();
  img.src = url;
  await img.decode();
  const canvas = document.createElement('canvas');
  canvas.width = img.naturalWidth;
  canvas.height = img.naturalHeight;
  canvas.getContext('2d')!.drawImage(img, 0, 0);
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
  if (!blob) throw new Error('the image could not be read back for the heat map');
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** A Predict card's "Heat map" disclosure; `preview`: the uploaded bytes' object URL, if the page holds them. */
export function PredictHeat({ result, runId, preview }: { result: PredictResult; runId: string | undefined; preview: string | null }) {
  const [open, setOpen] = useState(false);
  if (!runId || result.error) return null;
  const target: ExplainTarget = preview ? { upload: { name: result.path, url: preview, read: () => readObjectUrl(preview) } } : result.match ? { imageId: result.match.imageId } : { path: result.path };
  const src = preview ?? (result.match ? imageUrl('full', result.match.imageId) : null);
  return (
    <div style={{ marginTop: 8 }}>
      <button className="btn sm ghost" onClick={() => setOpen(!open)} data-testid="predict-heat-open" aria-expanded={open}>
        {open ? '▾' : '▸'} Heat map
      </button>
      {open && (
        <div style={{ marginTop: 6 }} data-testid="predict-heat">
          <HeatmapOverlay runId={runId} target={target} compact>
            {src ? (
              <img src={src} alt="" style={{ width: '100%', aspectRatio: 1, objectFit: 'fill', display: 'block', background: '#000', borderRadius: 'var(--radius-sm)' }} />
            ) : (
              // A typed path is read on the host: the heat alone, on black.
              <div style={{ width: '100%', aspectRatio: 1, background: '#000', borderRadius: 'var(--radius-sm)' }} />
            )}
          </HeatmapOverlay>
        </div>
      )}
    </div>
  );
}

/** The Suspects view's current image with the heat of Browse's run (else the default model). */
export function SuspectHeat({ imageId, children }: { imageId: number; children: ReactNode }) {
  const runId = useBrowseExplainRun();
  return (
    <div style={{ maxWidth: 360 }} data-testid="suspect-heat">
      <HeatmapOverlay runId={runId} target={{ imageId }}>
        {children}
      </HeatmapOverlay>
    </div>
  );
}
