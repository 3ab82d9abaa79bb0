import { useSync } from '../../stores/stores-context';

type Connection = 'online' | 'offline' | 'unknown';

const TEXT: Readonly<Record<Connection, string>> = {
  online: 'Online',
  offline: 'Offline',
  unknown: 'Checking connection…',
};

/** Whether the workspace server reaches the regional backend, as its sync status says. */
export const ConnectionState = () => {
  const state = useSync((s): Connection => (s.status ? (s.status.online ? 'online' : 'offline') : 'unknown'));
  return (
    <p
      className={`connection connection-${state}`}
      data-testid="connection-state"
      data-state={state}
      title={
        state === 'offline' ? 'Working from the local copy; changes are sent when the connection is back.' : undefined
      }
    >
      <span className="connection-dot" aria-hidden="true" />
      {TEXT[state]}
    </p>
  );
};
