/**
 * Delivering the app's own PHI access events to the backend's audit log.
 *
 * The Amigo Platform API has NO endpoint that ingests client-side audit events (checked against
 * the OpenAPI: every /audit* route is a GET, plus the export POST). Its services audit their own
 * reads of PHI instead: who (token subject and credential), what (action, resource), when, from
 * where (IP, User-Agent). So Attest delivers each locally recorded access by making the
 * corresponding audited read on the backend, with a User-Agent naming Attest, its version and
 * the local event's id (and, for an access recorded offline, the device time it happened):
 *
 *   resource_type review_item → GET /v1/{ws}/review-queue/{id}        (review.read)
 *   resource_type call        → GET /v1/{ws}/calls/{id}               (call.transcript.read)
 *   resource_type entity      → GET /v1/{ws}/world/entities/{id}      (entity.read)
 *   anything else with an entityId → GET /v1/{ws}/world/entities/{entityId}
 *   User-Agent: Attest/0.1.0 (access-event <id>; offline-recorded 2026-05-01T09:15:00.000Z)
 *
 * The backend's audit row then shows the access with its own server time, and the compliance
 * report matches it to the local event by the id in the User-Agent. An event is marked delivered
 * (with the server's Date) once the read answered 2xx. Until then it shows as "recorded on this
 * device, not yet delivered"; one no read can carry (no resource the API can read, 403, 404) is
 * kept on the device with the reason and not retried. Access events go FIRST in every push pass,
 * before any decision.
 */
import { z } from 'zod';
import type { WriteDb } from '../../db/db-types';
import {
  markAccessDelivered,
  markAccessDeliveryFailed,
  undeliveredAccessEvents,
  type AccessEvent,
} from '../../modules/access/access-log.repo';
import type { RemoteClient } from '../../remote/remote-client';
import { RemoteError } from '../../remote/remote-error';
import { accessEventUserAgent } from './user-agent';

/** Ids go into a URL path: anything but plain id characters could walk to another route. */
const SAFE_ID = /^[A-Za-z0-9_-]{1,128}$/;

/** The body is not used (the read exists to be audited), so it is not parsed into anything. */
const anyBody = z.unknown();

/** The backend read that carries this access event, or null when none can. */
export const deliveryPathFor = (
  event: Pick<AccessEvent, 'resourceType' | 'resourceId' | 'entityId'>,
): string | null => {
  const id = (value: string | null): string | null => (value !== null && SAFE_ID.test(value) ? value : null);
  const resource = id(event.resourceId);
  const entity = id(event.entityId);
  if (event.resourceType === 'review_item' && resource) return `review-queue/${resource}`;
  if (event.resourceType === 'call' && resource) return `calls/${resource}`;
  if (event.resourceType === 'entity' && (resource ?? entity)) return `world/entities/${resource ?? entity}`;
  if (entity) return `world/entities/${entity}`;
  return null;
};

export type DeliveryStop = 'offline' | 'retry' | 'rate-limited' | 'sign-in';

export interface DeliveryReport {
  delivered: number;
  undeliverable: number;
  stopped: DeliveryStop | null;
  retryAfterSeconds: number | null;
  /** More undelivered events than one pass takes. */
  more: boolean;
}

const PER_PASS = 200;

export async function deliverAccessEvents(
  remote: RemoteClient,
  write: WriteDb,
  /** The signed-in person: only their access events are delivered, by reads made as them. */
  actorSub: string,
  now: () => Date,
  shouldStop: () => boolean,
): Promise<DeliveryReport> {
  const report: DeliveryReport = {
    delivered: 0,
    undeliverable: 0,
    stopped: null,
    retryAfterSeconds: null,
    more: false,
  };
  const events = undeliveredAccessEvents(write, PER_PASS, actorSub);
  for (const event of events) {
    if (shouldStop()) break;
    const path = deliveryPathFor(event);
    if (path === null) {
      markAccessDeliveryFailed(write, event.id, {
        error: 'No backend read corresponds to this access; it stays recorded on this device.',
        undeliverable: true,
        path: null,
      });
      report.undeliverable += 1;
      continue;
    }
    const fullPath = remote.workspacePath(path);
    try {
      const response = await remote.get(
        fullPath,
        anyBody,
        {},
        { headers: { 'user-agent': accessEventUserAgent(event) } },
      );
      markAccessDelivered(write, event.id, {
        path: fullPath,
        at: now().toISOString(),
        serverTime: response.serverDate,
      });
      report.delivered += 1;
    } catch (error) {
      if (!(error instanceof RemoteError)) throw error;
      const status = error.details.status ?? 0;
      if (error.kind === 'not-found' || error.kind === 'forbidden' || error.kind === 'rejected') {
        markAccessDeliveryFailed(write, event.id, {
          error: `The backend refused the read that would record this access (${status}); it stays recorded on this device. ${error.message}`,
          undeliverable: true,
          path: fullPath,
        });
        report.undeliverable += 1;
        continue;
      }
      if ((error.kind === 'invalid-response' || error.kind === 'too-large') && status >= 200 && status < 300) {
        // The read was answered, so the backend audited it; only its body was unusable.
        markAccessDelivered(write, event.id, { path: fullPath, at: now().toISOString(), serverTime: null });
        report.delivered += 1;
        continue;
      }
      markAccessDeliveryFailed(write, event.id, { error: error.message, undeliverable: false, path: fullPath });
      report.stopped =
        error.kind === 'network' || error.kind === 'timeout'
          ? 'offline'
          : error.kind === 'rate-limited'
            ? 'rate-limited'
            : error.kind === 'unauthorized'
              ? 'sign-in'
              : 'retry';
      report.retryAfterSeconds = error.details.retryAfter ?? null;
      // Access events keep their order: a later one is not delivered before an earlier one.
      return report;
    }
  }
  report.more = events.length === PER_PASS;
  return report;
}
