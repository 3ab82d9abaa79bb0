import type { ReactNode } from 'react';

/** Full-window screens without the app shell (loading, sign-in, locked, server problems). */
export const CenteredScreen = ({ children, testId }: { children: ReactNode; testId: string }) => (
  <main className="centered-screen" data-testid={testId}>
    <div className="card">{children}</div>
  </main>
);
