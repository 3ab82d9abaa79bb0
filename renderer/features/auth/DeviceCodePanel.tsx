import { formatDateTime } from '../../components/format';
import { useSession } from '../../stores/stores-context';

/**
 * Sign-in with a code (RFC 8628): the code and where to enter it. The app polls on its own; the
 * person approves in any browser, on this machine or another (a phone works too).
 */
export const DeviceCodePanel = () => {
  const pending = useSession((s) => (s.session?.pending?.kind === 'device' ? s.session.pending : null));
  const cancel = useSession((s) => s.cancelSignIn);
  if (!pending) return null;
  const link = pending.verificationUriComplete ?? pending.verificationUri;
  const until = formatDateTime(pending.expiresAt);

  return (
    <section className="device-code" aria-labelledby="device-code-title" data-testid="device-code-panel">
      <h2 id="device-code-title">Sign in with a code</h2>
      <p>
        Open{' '}
        <a href={link} target="_blank" rel="noopener noreferrer" data-testid="device-verification-link">
          {pending.verificationUri}
        </a>{' '}
        in a browser and enter this code:
      </p>
      <p
        className="device-code-value"
        data-testid="device-user-code"
        aria-label={`Code ${pending.userCode.split('').join(' ')}`}
      >
        {pending.userCode}
      </p>
      <p role="status" className="muted">
        Waiting for you to approve{until ? ` (the code works until ${until})` : ''}…
      </p>
      <div>
        <button type="button" className="button" data-testid="device-cancel" onClick={() => void cancel()}>
          Cancel
        </button>
      </div>
    </section>
  );
};
