/**
 * Region pinning: the one check every outgoing backend request passes through. A session is
 * bound to one API origin (its workspace's region host, or the configured backend); a request to
 * any other origin is refused before a byte (or a token) leaves the process.
 */
import { RemoteError } from './remote-error';

export interface RegionPin {
  /** e.g. `https://api-eu-central-1.platform.amigo.ai` */
  readonly origin: string;
  readonly region: string;
  readonly workspaceId: string;
}

export function assertPinned(pin: RegionPin, url: URL): void {
  if (url.origin !== pin.origin) {
    throw new RemoteError(
      'region-violation',
      `Refused to send a request for workspace ${pin.workspaceId} (${pin.region}) to ${url.origin}: data never leaves its region.`,
      { path: url.pathname },
    );
  }
  // Workspace resources live under /v1/{workspace_id}/…; a path naming another workspace is
  // refused too, so a bug elsewhere cannot mix two workspaces' data in one session.
  const match = /^\/v1\/([0-9a-f-]{36})\//i.exec(url.pathname);
  if (match && match[1]?.toLowerCase() !== pin.workspaceId.toLowerCase()) {
    throw new RemoteError('region-violation', `Refused a request for another workspace (${match[1]}).`, {
      path: url.pathname,
    });
  }
}
