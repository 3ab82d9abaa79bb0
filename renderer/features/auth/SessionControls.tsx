import './auth.css';
import { REGIONS } from '../../../shared/amigo/regions';
import { useSession } from '../../stores/stores-context';

/**
 * The header's session controls: switch workspace (another region's workspace opens its own local
 * copy and host), lock now (stepping away), and sign out (revokes and forgets the tokens).
 */
export const SessionControls = () => {
  const workspace = useSession((s) => s.session?.workspace ?? null);
  const workspaces = useSession((s) => s.session?.workspaces ?? []);
  const opening = useSession((s) => s.openingWorkspace);
  const choose = useSession((s) => s.chooseWorkspace);
  const lock = useSession((s) => s.lock);
  const signOut = useSession((s) => s.signOut);
  const signingOut = useSession((s) => s.signOutPending);

  return (
    <div className="session-controls">
      {workspace && workspaces.length > 1 && (
        <label>
          <span className="visually-hidden">Switch workspace</span>
          <select
            data-testid="workspace-switcher"
            value={workspace.id}
            disabled={opening !== null}
            onChange={(event) => void choose(event.target.value)}
          >
            {workspaces.map((w) => (
              <option key={w.id} value={w.id} disabled={!w.available}>
                {w.name} ({REGIONS.find((r) => r === w.region) ?? w.region ?? '?'})
              </option>
            ))}
          </select>
        </label>
      )}
      <button type="button" className="button button-small" data-testid="lock-button" onClick={() => void lock()}>
        Lock
      </button>
      <button
        type="button"
        className="button button-small"
        data-testid="sign-out-button"
        onClick={() => void signOut()}
        disabled={signingOut}
        aria-busy={signingOut}
      >
        {signingOut ? 'Signing out…' : 'Sign out'}
      </button>
    </div>
  );
};
