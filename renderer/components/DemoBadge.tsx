/** Shown wherever the backend is the bundled simulator, so nobody mistakes it for real patient data. */
export const DemoBadge = () => (
  <span className="badge badge-demo" data-testid="demo-badge">
    Demo backend: synthetic data
  </span>
);
