// First: must run before any zod schema is created (see zod-jitless.ts).
import './zod-jitless';
import './styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createApiClient } from './api/client';
import { App } from './app/App';
import { StartupFailure } from './app/StartupFailure';
import { getDesktopBridge } from './bridge/desktop-bridge';
import { createAuthorizationOpener } from './bridge/open-authorization-url';
import { createAppStores } from './stores/app-stores';
import { StoresContext } from './stores/stores-context';

const rootElement = document.getElementById('root');
if (!rootElement) throw new Error('index.html has no #root element.');
const root = createRoot(rootElement);

const start = async (): Promise<void> => {
  const bridge = getDesktopBridge();
  // Desktop: the preload hands over the server's loopback URL and per-launch secret.
  // Browser mode: no bridge; same origin, the HttpOnly cookie carries the secret.
  const api = createApiClient(
    bridge ? await bridge.serverConnection() : null,
    bridge ? { reconnect: () => bridge.serverConnection() } : {},
  );
  const stores = createAppStores(
    api,
    createAuthorizationOpener(bridge, (url) => window.location.assign(url)),
  );
  root.render(
    <StrictMode>
      <StoresContext value={stores}>
        <App />
      </StoresContext>
    </StrictMode>,
  );
};

start().catch((error: unknown) => {
  const message =
    error instanceof Error && error.message
      ? `The connection to the workspace server could not be set up: ${error.message}`
      : 'The connection to the workspace server could not be set up.';
  root.render(<StartupFailure message={message} />);
});
