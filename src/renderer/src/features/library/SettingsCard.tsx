// Library settings: the training backend and where the MobileNetV2 weights are.
import { useEffect, useState } from 'react';
import type { BackendChoice, Settings } from '../../../../shared/types';
import { getApi } from '../../app/api';
import { loadSystem, toast } from '../../app/app.store';
import { errorMessage } from '../../app/format';
import { Banner } from '../../ui/states';

export function SettingsCard() {
  const [settings, setSettings] = useState<Settings | null>(null);
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
    try {
      const s = await getApi()['settings.set']({ backend, weightsDir: weights.trim() || null });
      setSettings(s);
      setError(null);
      void loadSystem();
      toast('Settings saved', 'ok');
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  return (
    <div className="card" data-testid="settings-card">
      <div className="card-head">
        <h3>Settings</h3>
        <span className="muted small">Kept in this library.</span>
      </div>
      <div style={{ display: 'grid', gridTemplateColumns: '200px 1fr auto', gap: 12, alignItems: 'end' }}>
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
        <button className="btn" onClick={() => void save()} disabled={!settings} data-testid="settings-save">
          Save
        </button>
      </div>
      {error && (
        <div style={{ marginTop: 12 }}>
          <Banner kind="error" title="Settings unavailable">
            {error}
          </Banner>
        </div>
      )}
    </div>
  );
}
