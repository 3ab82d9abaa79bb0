import { CenteredScreen } from '../components/CenteredScreen';
import { useSession } from '../stores/stores-context';

/**
 * No session could be read at all. Either nothing answers (the server is down or still
 * starting) or something answered that is not the workspace API. The session poll keeps
 * retrying, so this screen goes away by itself once the server is back.
 */
export const ServerProblemScreen = () => {
  const load = useSession((s) => s.load);
  const problem = useSession((s) => s.problem);
  const refresh = useSession((s) => s.refresh);

  return (
    <CenteredScreen testId="server-problem-screen">
      <h1>
        {load === 'unreachable' ? 'Cannot reach the workspace server' : 'The workspace server answered unexpectedly'}
      </h1>
      <p role="alert" className="notice notice-error" data-testid="server-problem">
        {problem}
      </p>
      <p className="muted">
        Attest keeps its local copy and any decisions waiting to be sent on this computer; nothing is lost while the
        server is away. Attest tries again every few seconds.
      </p>
      <button type="button" className="button button-primary" data-testid="retry-button" onClick={() => void refresh()}>
        Try again now
      </button>
    </CenteredScreen>
  );
};
