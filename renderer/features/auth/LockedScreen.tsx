import './auth.css';
import { CenteredScreen } from '../../components/CenteredScreen';
import { ServerProblemBanner } from '../../components/ServerProblemBanner';
import { useSession } from '../../stores/stores-context';
import { SignInControls } from './SignInControls';

const HEADINGS = {
  idle: 'Locked after inactivity',
  manual: 'Locked',
  'session-ended': 'Your session has ended',
} as const;

/**
 * HIPAA automatic logoff: reads nothing from the session but the status, the reason and the
 * person's name, so no workspace or patient detail is on screen while locked. Queued work stays in
 * the local outbox. Someone else at this computer signs out instead of unlocking.
 */
export const LockedScreen = () => {
  const reason = useSession((s) => s.session?.lockReason ?? 'idle');
  const name = useSession((s) => s.session?.user?.name ?? s.session?.user?.email ?? null);
  const signOut = useSession((s) => s.signOut);
  const signingOut = useSession((s) => s.signOutPending);

  return (
    <CenteredScreen testId="locked-screen">
      <ServerProblemBanner />
      <h1>{HEADINGS[reason]}</h1>
      <p className="lede">
        {reason === 'session-ended'
          ? 'The sign-in service ended your session. Sign in again to continue; decisions waiting to be sent and the local copy are kept.'
          : 'Attest hid everything on screen to protect patient data. Sign in again to continue; decisions waiting to be sent are kept.'}
      </p>
      {name && (
        <p className="muted" data-testid="locked-user">
          Signed in as {name}
        </p>
      )}
      <SignInControls label="Sign in again" testId="sign-in-again-button" />
      <p className="muted">
        Not {name ?? 'you'}?{' '}
        <button
          type="button"
          className="button button-small"
          data-testid="locked-sign-out"
          onClick={() => void signOut()}
          disabled={signingOut}
        >
          Sign out
        </button>
      </p>
    </CenteredScreen>
  );
};
