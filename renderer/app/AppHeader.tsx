import { canSeeAudit } from '../../shared/amigo/roles';
import { DemoBadge } from '../components/DemoBadge';
import { KeychainWarning } from '../components/KeychainWarning';
import { regionLabel } from '../components/format';
import { SessionControls } from '../features/auth/SessionControls';
import { ConnectionState } from '../features/sync/ConnectionState';
import { useSession } from '../stores/stores-context';

/** Who, where, which backend: the facts a person must never be unsure of while working on PHI. */
export const AppHeader = () => {
  const workspace = useSession((s) => s.session?.workspace ?? null);
  const user = useSession((s) => s.session?.user ?? null);
  const demo = useSession((s) => s.session?.backend.demo ?? false);
  const memoryOnly = useSession((s) => s.session?.keychain === 'memory');

  return (
    <header className="app-header">
      <div className="header-row">
        <span className="brand">Attest</span>
        {workspace && (
          <div className="header-item">
            <span className="visually-hidden">Workspace:</span>
            <span className="value" data-testid="workspace-name" dir="auto">
              {workspace.name}
            </span>
            <span className="muted" data-testid="workspace-region">
              {regionLabel(workspace.region)}
            </span>
          </div>
        )}
        {demo && <DemoBadge />}
        <div className="header-spacer" />
        <ConnectionState />
        <div className="header-item header-user">
          {user && (
            <>
              <span className="visually-hidden">Signed in as</span>
              <span className="value" data-testid="user-name" dir="auto">
                {user.name ?? user.email ?? user.sub}
              </span>
            </>
          )}
          {workspace && (
            <span className="role" data-testid="user-role">
              {workspace.role}
            </span>
          )}
          <SessionControls />
        </div>
      </div>
      {memoryOnly && <KeychainWarning />}
    </header>
  );
};

/** Audit is for admin and owner only; without a workspace nobody sees it. */
export const useCanSeeAudit = (): boolean =>
  useSession((s) => (s.session?.workspace ? canSeeAudit(s.session.workspace.role) : false));
