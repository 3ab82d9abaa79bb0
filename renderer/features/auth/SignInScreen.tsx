import './auth.css';
import { CenteredScreen } from '../../components/CenteredScreen';
import { DemoBadge } from '../../components/DemoBadge';
import { KeychainWarning } from '../../components/KeychainWarning';
import { ServerProblemBanner } from '../../components/ServerProblemBanner';
import { useSession } from '../../stores/stores-context';
import { SignInControls } from './SignInControls';
import { SignInTargetChooser } from './SignInTargetChooser';

export const SignInScreen = () => {
  const apiUrl = useSession((s) => s.session?.backend.apiUrl ?? '');
  const issuer = useSession((s) => s.session?.backend.issuer ?? '');
  const demo = useSession((s) => s.session?.backend.demo ?? false);
  const memoryOnly = useSession((s) => s.session?.keychain === 'memory');
  const resuming = useSession((s) => s.session?.pending?.kind === 'resuming');
  const busy = useSession((s) => s.session?.pending !== null && s.session?.pending !== undefined);

  return (
    <CenteredScreen testId="sign-in-screen">
      <ServerProblemBanner />
      <h1 className="product-name">Attest</h1>
      <p className="lede">
        Attest is where your clinic reviews the facts the Amigo voice agent took from patient calls, and proves
        afterwards who saw and decided what.
      </p>
      {resuming ? (
        <p role="status" className="notice notice-info" data-testid="session-resuming">
          Resuming your last session…
        </p>
      ) : (
        <>
          {!busy && <SignInTargetChooser />}
          <dl className="facts">
            <div>
              <dt>Backend</dt>
              <dd className="mono" data-testid="backend-url">
                {apiUrl}
              </dd>
            </div>
            <div>
              <dt>Sign-in provider</dt>
              <dd className="mono" data-testid="issuer-url">
                {issuer}
              </dd>
            </div>
          </dl>
          {demo && (
            <p>
              <DemoBadge />
            </p>
          )}
          {memoryOnly && <KeychainWarning />}
          <SignInControls label="Sign in with SSO" testId="sign-in-button" />
        </>
      )}
    </CenteredScreen>
  );
};
