import { CenteredScreen } from '../../components/CenteredScreen';
import { ServerProblemBanner } from '../../components/ServerProblemBanner';
import { SignInControls } from './SignInControls';

/**
 * HIPAA automatic logoff: reads nothing from the session but the status, so no workspace, person
 * or patient detail is on screen while locked. Queued work stays in the local outbox.
 */
export const LockedScreen = () => (
  <CenteredScreen testId="locked-screen">
    <ServerProblemBanner />
    <h1>Locked after inactivity</h1>
    <p className="lede">
      Attest hid everything on screen to protect patient data. Sign in again to continue; decisions waiting to be sent
      are kept.
    </p>
    <SignInControls label="Sign in again" testId="sign-in-again-button" />
  </CenteredScreen>
);
