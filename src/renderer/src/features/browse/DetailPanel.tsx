// The focused image, large, with everything Paddy knows about it.
import { useEffect, useState } from 'react';
import type { ImageDetail } from '../../../../shared/types';
import { getApi, imageUrl } from '../../app/api';
import { classSlot, useApp } from '../../app/app.store';
import { bytes, errorMessage, pct } from '../../app/format';
import { modelLabel } from '../runs/compare';
import { cache, useBrowse } from './browse.store';
import { ProbabilityBars } from '../predict/ProbabilityBars';
import { HeatmapOverlay, useBrowseExplainRun } from '../explain/HeatmapOverlay'; // Grad-CAM (#13, saliency)
import { SimilarStrip } from '../similar/SimilarStrip'; // More like this (#13, similar images)
// Show in folder (#11, desktop shell only) and an unlabeled image's suggestion (#14)
import { ShowInFolderButton, canShowInFolder } from './ShowInFolder';
import { DetailSuggestion } from './DetailSuggestion';

export function DetailPanel() {
  const focus = useBrowse((s) => s.selection.focus);
  const version = useBrowse((s) => s.version);
  const selected = useBrowse((s) => s.selection.ids.size);
  const id = focus === null ? undefined : cache.item(focus)?.id;
  const [detail, setDetail] = useState<ImageDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const explainRun = useBrowseExplainRun(); // Grad-CAM (#13, saliency)

  useEffect(() => {
    if (id === undefined) {
      setDetail(null);
      return;
    }
    let live = true;
    getApi()
      ['images.detail']({ imageId: id })
      .then((d) => live && (setDetail(d), setError(null)))
      .catch((e) => live && (setDetail(null), setError(errorMessage(e))));
    return () => {
      live = false;
    };
    // version: a relabel of the focused image refreshes its history
  }, [id, version]);

  return (
    <aside className="detail" data-testid="detail-panel">
      {id === undefined ? (
        <div className="state">
          <div className="state-icon">○</div>
          <h3>No image in focus</h3>
          <p className="small">Click an image or use the arrow keys. {selected > 1 ? `${selected} images are selected.` : ''}</p>
        </div>
      ) : (
        <>
          {/* Grad-CAM (#13, saliency): the heat map over the image, with its switch, opacity and class */}
          <HeatmapOverlay runId={explainRun} target={{ imageId: id }} fit="contain" imageAspect={detail ? detail.width / detail.height : 1} pad>
          <img className="detail-img" src={imageUrl('full', id)} alt={detail?.fileName ?? ''} />
          </HeatmapOverlay>
          {error ? (
            <div className="detail-body">
              <div className="banner error">
                <div>
                  <div className="title">Details unavailable</div>
                  <div className="muted">{error}</div>
                </div>
              </div>
            </div>
          ) : detail ? (
            <>
            {/* An unlabeled image's suggestion with Accept (#14), above the facts so it is in view: the grid's row carries it */}
            <DetailSuggestion item={cache.item(focus!)} />
            <DetailBody d={detail} />
            {/* More like this (#13, similar images) */}
            <div className="detail-body"><SimilarStrip imageId={id} compareTo={detail.className} /></div>
            </>
          ) : (
            <div className="detail-body muted small">Loading…</div>
          )}
        </>
      )}
    </aside>
  );
}

function DetailBody({ d }: { d: ImageDetail }) {
  const library = useApp((s) => s.library);
  return (
    <div className="detail-body">
      <div>
        <h3 style={{ wordBreak: 'break-all' }}>{d.fileName}</h3>
        <div className="row" style={{ marginTop: 6 }}>
          <span className="badge">
            <i className="dot" style={{ background: `var(--class-${classSlot(library, d.classId)})` }} />
            {d.className ?? 'unlabeled'}
          </span>
          {d.split && <span className="badge">{d.split}</span>}
          {d.origin && <span className="badge">{d.origin === 'manual' ? 'by hand' : d.origin === 'suggestion' ? 'suggestion' : 'folder'}</span>}
          {d.conflict && <span className="badge bad">conflict</span>}
        </div>
      </div>
      <dl className="kv">
        <dt>Size</dt>
        <dd>
          {d.width} × {d.height} · {d.format} · {bytes(d.bytes)}
        </dd>
        <dt>File</dt>
        <dd className="mono">{d.sourcePath}</dd>
        {/* Show in folder (#11): the source file in the file manager; only the desktop shell has it */}
        <ShowInFolderRow imageId={d.id} />
        <dt>SHA-256</dt>
        <dd className="mono" title={d.sha256}>
          {d.sha256.slice(0, 16)}…
        </dd>
        <dt>Imported</dt>
        <dd>{new Date(d.importedAt).toLocaleString()}</dd>
        {d.sources.length > 1 && (
          <>
            <dt>Also in</dt>
            <dd>
              {d.sources.map((s) => (
                <div key={s.path}>
                  {s.className}: <span className="mono">{s.path}</span>
                </div>
              ))}
            </dd>
          </>
        )}
      </dl>
      <section>
        <h4>Label history</h4>
        {d.history.length === 0 ? (
          <p className="small faint">Unchanged since import.</p>
        ) : (
          <div className="history" data-testid="label-history">
            {d.history.map((h) => (
              <div key={h.id} className={h.state !== 'done' ? 'undone' : ''}>
                {h.oldClass ?? '—'} → <b>{h.newClass ?? '—'}</b> <span className="faint xs">{h.origin} · {new Date(h.at).toLocaleTimeString()}</span>
              </div>
            ))}
          </div>
        )}
      </section>
      <section className="stack">
        <h4>Predictions</h4>
        {d.predictions.length === 0 ? (
          <p className="small faint">No run has predicted this image yet.</p>
        ) : (
          d.predictions.map((p) => (
            <div key={p.runId} className="stack" style={{ gap: 6 }}>
              <div className="small">
                {modelLabel(p.model)} <span className="faint">{p.runId}</span> → <b>{p.predictedClass}</b> {pct(p.probabilities[p.predictedClass])}
              </div>
              <ProbabilityBars probabilities={p.probabilities} />
            </div>
          ))
        )}
      </section>
    </div>
  );
}

/** Show in folder (#11): a row of the file facts, absent in a browser. */
function ShowInFolderRow({ imageId }: { imageId: number }) {
  if (!canShowInFolder()) return null;
  return (
    <>
      <dt />
      <dd>
        <ShowInFolderButton target={{ imageId }} testId="show-in-folder" />
      </dd>
    </>
  );
}
