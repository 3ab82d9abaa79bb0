import { CenteredScreen } from '../components/CenteredScreen';

export const LoadingScreen = () => (
  <CenteredScreen testId="loading-screen">
    <h1 className="product-name">Attest</h1>
    <p role="status" className="muted">
      Connecting to the local workspace server…
    </p>
  </CenteredScreen>
);
