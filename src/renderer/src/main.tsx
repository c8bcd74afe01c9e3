// Renderer entry: styles, then the app once its host is reachable; a page opened without a valid token (none,
// or a wrong one) gets one clear screen instead of a studio whose requests all fail.
import { createRoot } from 'react-dom/client';
import './styles/tokens.css';
import './styles/app.css';
import './styles/browse.css';
import { NoAccessError, connectApi } from './api';
import { provideApi } from './app/api';
import { App } from './app/App';
import { errorMessage } from './app/format';

const root = createRoot(document.getElementById('root')!);

function Problem({ title, message, testId }: { title: string; message: string; testId: string }) {
  return (
    <div className="state error" style={{ height: '100%' }} data-testid={testId}>
      <div className="state-icon">!</div>
      <h3>{title}</h3>
      <p>{message}</p>
    </div>
  );
}

connectApi().then(
  (api) => {
    provideApi(api);
    root.render(<App />);
  },
  (e: unknown) =>
    root.render(
      e instanceof NoAccessError ? (
        <Problem testId="no-access" title="Paddy needs its access token" message={e.message} />
      ) : (
        <Problem testId="no-host" title="Paddy cannot reach its host" message={errorMessage(e)} />
      ),
    ),
);
