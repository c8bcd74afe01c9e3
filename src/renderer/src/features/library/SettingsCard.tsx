// Library settings: the training backend and where the MobileNetV2 weights are (checked when saved; chosen
// with the native folder picker where the host has one).
import { useEffect, useState } from 'react';
import type { BackendChoice, SavedSettings } from '../../../../shared/types';
import { hostKind } from '../../api';
import { getApi } from '../../app/api';
import { errorMessage } from '../../app/format';
import { Banner } from '../../ui/states';
import { chooseWeightsFolder, saveSettings, weightsSummary } from './settings.actions';

export function SettingsCard() {
  const [settings, setSettings] = useState<SavedSettings | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [weights, setWeights] = useState('');
  const [backend, setBackend] = useState<BackendChoice>('auto');
  useEffect(() => {
    getApi()
      ['settings.get']({})
      .then((s) => {
        setSettings(s);
        setWeights(s.weightsDir ?? '');
        setBackend(s.backend);
      })
      .catch((e) => setError(errorMessage(e)));
  }, []);
  const save = async () => {
    const r = await saveSettings(backend, weights);
    if (r.ok) {
      setSettings(r.settings);
      setError(null);
    } else setError(r.error);
  };
  const choose = async () => {
    const dir = await chooseWeightsFolder();
    if (dir) setWeights(dir);
  };
  const held = settings ? weightsSummary(settings) : null;
  return (
    <div className="card" data-testid="settings-card">
      <div className="card-head">
        <h3>Settings</h3>
        <span className="muted small">Kept in this library.</span>
      </div>
      <div style={{ display: 'grid', gridTemplateColumns: `200px 1fr${hostKind() === 'electron' ? ' auto' : ''} auto`, gap: 12, alignItems: 'end' }}>
        <div className="field">
          <label className="label" htmlFor="settings-backend">
            Training backend
          </label>
          <select id="settings-backend" className="select" value={backend} onChange={(e) => setBackend(e.target.value as BackendChoice)} disabled={!settings}>
            <option value="auto">auto</option>
            <option value="tensorflow">TensorFlow (native)</option>
            <option value="wasm">WebAssembly</option>
            <option value="cpu">JavaScript (slow)</option>
          </select>
        </div>
        <div className="field">
          <label className="label" htmlFor="settings-weights">
            MobileNetV2 weights folder
          </label>
          <input
            id="settings-weights"
            className="input"
            placeholder="folder holding mobilenet_v2_1.00_224_no_top/ (empty: <library>/models/mobilenet_v2)"
            value={weights}
            onChange={(e) => setWeights(e.target.value)}
            disabled={!settings}
            data-testid="settings-weights"
          />
        </div>
        {hostKind() === 'electron' && (
          <button className="btn" type="button" onClick={() => void choose()} disabled={!settings} data-testid="settings-choose">
            Choose…
          </button>
        )}
        <button className="btn" onClick={() => void save()} disabled={!settings} data-testid="settings-save">
          Save
        </button>
      </div>
      {held && !error && (
        <p className="small ok" style={{ margin: '12px 0 0' }} data-testid="settings-weights-check">
          {settings?.weights?.dir} {held}.
        </p>
      )}
      {error && (
        <div style={{ marginTop: 12 }}>
          <Banner kind="error" title={settings ? 'Settings not saved' : 'Settings unavailable'} testId="settings-error">
            {error}
          </Banner>
        </div>
      )}
    </div>
  );
}
