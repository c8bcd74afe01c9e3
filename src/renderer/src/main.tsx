// Renderer entry: styles, then the app; a page opened without an API (no token) says so instead of crashing.
import { createRoot } from 'react-dom/client';
import './styles/tokens.css';
import './styles/app.css';
import './styles/browse.css';
import { connectApi } from './api';
import { provideApi } from './app/api';
import { App } from './app/App';
import { errorMessage } from './app/format';

const root = createRoot(document.getElementById('root')!);
let problem: string | null = null;
try {
  provideApi(connectApi());
} catch (e) {
  problem = errorMessage(e);
}
root.render(
  problem ? (
    <div className="state error" style={{ height: '100%' }}>
      <div className="state-icon">!</div>
      <h3>Paddy cannot reach its host</h3>
      <p>{problem}</p>
    </div>
  ) : (
    <App />
  ),
);
