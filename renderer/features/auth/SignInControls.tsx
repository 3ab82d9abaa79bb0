import { useSession } from '../../stores/stores-context';
import { DeviceCodePanel } from './DeviceCodePanel';

/**
 * The two ways in, and what follows them, shared by the sign-in and lock screens: SSO through the
 * system browser (the app then waits, polling the session, and offers to open the page again if
 * the browser tab was lost), or a code to enter in any browser (RFC 8628), for identity services
 * that offer it. Every failure is said as a sentence with what to do next.
 */
export const SignInControls = ({ label, testId }: { label: string; testId: string }) => {
  const signIn = useSession((s) => s.signIn);
  const startDevice = useSession((s) => s.startDeviceSignIn);
  const cancel = useSession((s) => s.cancelSignIn);
  const pending = useSession((s) => s.signInPending);
  const waiting = useSession((s) => s.awaitingBrowser || s.session?.pending?.kind === 'browser');
  const device = useSession((s) => s.session?.pending?.kind === 'device');
  const lastError = useSession((s) => s.session?.lastError ?? null);
  const signInError = useSession((s) => s.signInError);

  return (
    <div className="sign-in-controls">
      {lastError && (
        <p role="alert" className="notice notice-error" data-testid="sign-in-error">
          {lastError}
        </p>
      )}
      {signInError && (
        <p role="alert" className="notice notice-error" data-testid="sign-in-start-error">
          {signInError}
        </p>
      )}
      {device ? (
        <DeviceCodePanel />
      ) : waiting ? (
        <>
          <p role="status" className="notice notice-info" data-testid="sign-in-waiting">
            Finish signing in in your browser…
          </p>
          <div className="sign-in-buttons">
            <button type="button" className="button" onClick={() => void signIn()} disabled={pending}>
              Open the sign-in page again
            </button>
            <button type="button" className="button" data-testid="sign-in-cancel" onClick={() => void cancel()}>
              Cancel
            </button>
          </div>
        </>
      ) : (
        <div className="sign-in-buttons">
          <button
            type="button"
            className="button button-primary"
            data-testid={testId}
            onClick={() => void signIn()}
            disabled={pending}
            aria-busy={pending}
          >
            {pending ? 'Opening sign-in…' : label}
          </button>
          <button
            type="button"
            className="button"
            data-testid="device-sign-in-button"
            onClick={() => void startDevice()}
            disabled={pending}
          >
            Sign in with a code
          </button>
        </div>
      )}
    </div>
  );
};
