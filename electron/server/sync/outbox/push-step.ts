/**
 * The push as the sync engine's first step of every pass (SyncEngine.addBeforePull): it shows in
 * the status as the stream `outbox`, and a pass that could not reach the backend or was refused
 * service fails that step with the reason (offline, rate-limited, server trouble, sign-in), so
 * the status says why decisions are still waiting. The pusher keeps its own retry timer besides.
 */
import { OUTBOX_STREAM } from '../../../../shared/contract';
import { RemoteError } from '../../remote/remote-error';
import type { SyncStep } from '../sync-engine';
import type { OutboxPusher } from './push';

export { OUTBOX_STREAM };

export const pushStep = (outbox: OutboxPusher): SyncStep => ({
  name: OUTBOX_STREAM,
  run: async () => {
    const report = await outbox.pushOnce();
    const waiting = `${report.remaining} change${report.remaining === 1 ? '' : 's'} waiting`;
    switch (report.stopped) {
      case null:
        return;
      case 'offline':
        throw new RemoteError('network', `Could not reach the backend; ${waiting}, sent in order when it answers.`);
      case 'rate-limited':
        throw new RemoteError('rate-limited', `The backend asked Attest to slow down; ${waiting}.`);
      case 'sign-in':
        throw new RemoteError('unauthorized', 'Your session with the backend has ended. Sign in again.');
      case 'retry':
        throw new RemoteError('server', `The backend had a problem with a change; ${waiting}, retried shortly.`);
    }
  },
});
