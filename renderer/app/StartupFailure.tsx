import { CenteredScreen } from '../components/CenteredScreen';

/** The desktop bridge did not give a usable server connection: nothing else can work. */
export const StartupFailure = ({ message }: { message: string }) => (
  <CenteredScreen testId="startup-failure">
    <h1>Attest could not start</h1>
    <p role="alert" className="notice notice-error">
      {message}
    </p>
    <p className="muted">Quit and reopen Attest. If this keeps happening, contact your administrator.</p>
  </CenteredScreen>
);
