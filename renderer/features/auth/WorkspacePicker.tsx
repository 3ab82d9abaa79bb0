import './auth.css';
import { REGIONS } from '../../../shared/amigo/regions';
import { CenteredScreen } from '../../components/CenteredScreen';
import { regionLabel } from '../../components/format';
import { useSession } from '../../stores/stores-context';

const knownRegion = (region: string | null) => REGIONS.find((r) => r === region) ?? null;

/**
 * After sign-in, for a person with more than one workspace: each lives in one region, and
 * choosing one opens its own local copy and talks only to its region's host.
 */
export const WorkspacePicker = () => {
  const workspaces = useSession((s) => s.session?.workspaces ?? []);
  const user = useSession((s) => s.session?.user ?? null);
  const opening = useSession(
    (s) =>
      s.openingWorkspace ?? (s.session?.pending?.kind === 'opening-workspace' ? s.session.pending.workspaceId : null),
  );
  const error = useSession((s) => s.workspaceError ?? s.session?.lastError ?? null);
  const choose = useSession((s) => s.chooseWorkspace);
  const signOut = useSession((s) => s.signOut);

  return (
    <CenteredScreen testId="workspace-picker">
      <h1>Choose a workspace</h1>
      <p className="lede">
        {user?.name ?? user?.email ?? 'You'}, you have access to {workspaces.length} workspaces. Each keeps its data in
        its own region.
      </p>
      {error && (
        <p role="alert" className="notice notice-error" data-testid="workspace-error">
          {error}
        </p>
      )}
      <ul className="workspace-list">
        {workspaces.map((w) => {
          const region = knownRegion(w.region);
          return (
            <li key={w.id}>
              <button
                type="button"
                className="button workspace-option"
                data-testid="workspace-option"
                data-workspace-id={w.id}
                disabled={!w.available || opening !== null}
                aria-busy={opening === w.id}
                onClick={() => void choose(w.id)}
              >
                <span dir="auto">{w.name}</span>
                <span className="muted">{w.role ?? 'no role'}</span>
                <span className="muted">{region ? regionLabel(region) : `Unknown region (${w.region ?? 'none'})`}</span>
                <span className="muted">{opening === w.id ? 'Opening…' : w.available ? '' : 'Not available'}</span>
              </button>
            </li>
          );
        })}
      </ul>
      <button type="button" className="button" data-testid="picker-sign-out" onClick={() => void signOut()}>
        Sign out
      </button>
    </CenteredScreen>
  );
};
