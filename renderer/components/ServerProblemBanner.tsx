import { useSession } from '../stores/stores-context';

/**
 * Shown over a screen that already has a session when later reads fail: the screen stays (it
 * reflects the last good answer) and this says it may be out of date.
 */
export const ServerProblemBanner = () => {
  const problem = useSession((s) => (s.load === 'ready' ? null : s.problem));
  if (!problem) return null;
  return (
    <p role="alert" className="notice notice-error" data-testid="server-problem">
      {problem}
    </p>
  );
};
