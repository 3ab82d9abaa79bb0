import { useSession } from '../../stores/stores-context';

/**
 * The sign-in button and what follows it, shared by the sign-in and locked screens. On the
 * desktop the identity provider opens in the system browser, so the app waits (polling the
 * session) and offers to open the page again if the browser tab was lost.
 */
export const SignInControls = ({ label, testId }: { label: string; testId: string }) => {
  const signIn = useSession((s) => s.signIn);
  const pending = useSession((s) => s.signInPending);
  const waiting = useSession((s) => s.awaitingBrowser || s.status === 'signing-in');
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
      {waiting ? (
        <>
          <p role="status" className="notice notice-info" data-testid="sign-in-waiting">
            Finish signing in in your browser…
          </p>
          <button type="button" className="button" onClick={() => void signIn()} disabled={pending}>
            Open the sign-in page again
          </button>
        </>
      ) : (
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
      )}
    </div>
  );
};
