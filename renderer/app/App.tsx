import { useEffect } from 'react';
import { LockedScreen } from '../features/auth/LockedScreen';
import { SignInScreen } from '../features/auth/SignInScreen';
import { WorkspacePicker } from '../features/auth/WorkspacePicker';
import { useSession } from '../stores/stores-context';
import { AppShell } from './AppShell';
import { LoadingScreen } from './LoadingScreen';
import { ServerProblemScreen } from './ServerProblemScreen';

/** Chooses the screen from the session status; the session poll runs for the app's lifetime. */
export const App = () => {
  const startPolling = useSession((s) => s.startPolling);
  useEffect(() => startPolling(), [startPolling]);

  const status = useSession((s) => s.status);
  const load = useSession((s) => s.load);

  if (status === null) return load === 'loading' ? <LoadingScreen /> : <ServerProblemScreen />;
  switch (status) {
    case 'signed-out':
    case 'signing-in':
      return <SignInScreen />;
    case 'choosing-workspace':
      return <WorkspacePicker />;
    case 'locked':
      return <LockedScreen />;
    case 'signed-in':
      return <AppShell />;
  }
};
