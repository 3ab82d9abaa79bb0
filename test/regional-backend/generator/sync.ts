/**
 * Outbound sync: which events reach which sink, and how far they got. Only reviewed data leaves
 * the platform (approved at 0.95 or corrected at 1.0; pending and rejected events never sync);
 * clinical events never go to the CRM; EHR-sourced contact details flow on to the CRM. Most rows
 * are synced, some failed with a realistic error, some still pending. The first correction in a
 * workspace that two sinks accept is held back from the second one on purpose, so lineage always
 * has "a corrected value that has not reached every sink" to show.
 */
import type { DatasetRecord } from '../dataset';
import type { GeneratorContext, SinkSpec } from './context';
import { MINUTE, iso } from './context';
import { SOURCES } from './catalog';
import type { Rng } from './rng';
import type { Bundle } from './world';

type SyncRecord = DatasetRecord<'sync_events'>;
type SyncStatus = SyncRecord['sync_status'];

/** Event types a CRM receives: contact details, never clinical data. */
export const CRM_EVENT_TYPES: ReadonlySet<string> = new Set([
  'patient.registered',
  'patient.phone_updated',
  'patient.address_changed',
  'patient.email_updated',
  'patient.pharmacy_changed',
]);

const FHIR_ABBREVIATIONS: Readonly<Record<string, string>> = {
  Patient: 'pat',
  MedicationStatement: 'ms',
  AllergyIntolerance: 'ai',
  Appointment: 'appt',
  Coverage: 'cov',
};

function errorFor(sink: SinkSpec, fhirType: string | null, rng: Rng): string {
  switch (sink.accepts) {
    case 'ehr':
      return rng.pick([
        `422 Unprocessable Entity from ${sink.name}: ${fhirType ?? 'resource'} failed validation (required element missing)`,
        `409 Conflict from ${sink.name}: the record changed in the EHR after this event (version mismatch)`,
        `Timeout after 30 s waiting for ${sink.name}`,
        `401 Unauthorized from ${sink.name}: connector credential expired`,
      ]);
    case 'crm':
      return rng.pick([
        'HubSpot API 429: rate limit exceeded; retry scheduled',
        "HubSpot API 400: property 'phone' failed validation",
        'HubSpot API 404: no contact matches this patient',
      ]);
    case 'warehouse':
      return rng.pick([
        'Warehouse load failed: schema drift on column data',
        'Warehouse unavailable (503); will retry',
      ]);
  }
}

function pickStatus(rng: Rng, ageMs: number, fromEhr: boolean): SyncStatus {
  if (ageMs < 15 * MINUTE) return rng.chance(0.6) ? 'pending' : 'processing';
  if (fromEhr) return rng.chance(0.96) ? 'synced' : 'failed';
  return rng.weighted<SyncStatus>([
    ['synced', 88],
    ['failed', 6],
    ['pending', 4],
    ['processing', 2],
  ]);
}

/**
 * Adds sync rows for the bundle's events and sets each event's own sync fields (the worst state
 * across its sinks). `released`: events that passed review, with the time they did.
 * `awaitingReview`: events in open items (no sync state yet: null).
 */
export function planSync(
  ctx: GeneratorContext,
  rng: Rng,
  b: Bundle,
  released: ReadonlyMap<string, number>,
  awaitingReview: ReadonlySet<string>,
): void {
  const names = new Map(b.entities.map((e) => [e.id, e.displayName]));
  for (const ev of b.events) {
    const releasedMs = released.get(ev.id);
    const fromReview = releasedMs !== undefined;
    const fromEhr = !fromReview && ev.source === SOURCES.connector && ev.source_system === ctx.ehrSystem;
    const sinks = ctx.sinks.filter((s) =>
      fromReview
        ? s.accepts !== 'crm' || CRM_EVENT_TYPES.has(ev.event_type)
        : fromEhr && s.accepts === 'crm' && CRM_EVENT_TYPES.has(ev.event_type),
    );
    if (sinks.length === 0) {
      ev.sync_status = awaitingReview.has(ev.id) ? null : 'not_applicable';
      continue;
    }
    const originMs = releasedMs ?? Date.parse(ev.ingested_at ?? '');
    const planted = !ctx.partialSyncPlanted && ev.source === SOURCES.review && sinks.length >= 2;
    if (planted) ctx.partialSyncPlanted = true;

    const statuses = sinks.map((_, n) =>
      planted ? (n === 0 ? 'synced' : 'failed') : pickStatus(rng, ctx.nowMs - originMs, fromEhr),
    );
    const ehrIndex = sinks.findIndex((s) => s.accepts === 'ehr');
    if (ehrIndex >= 0 && statuses[ehrIndex] === 'synced' && !ev.fhir_resource_id && ev.fhir_resource_type) {
      // The EHR assigns the resource id when it first accepts the value.
      ev.fhir_resource_id = `${ctx.ehrPrefix}-${FHIR_ABBREVIATIONS[ev.fhir_resource_type] ?? 'res'}-${String(++ctx.counters.fhir).padStart(7, '0')}`;
    }
    let worst: SyncStatus = 'synced';
    let firstError: string | null = null;
    let lastSynced: string | null = null;
    sinks.forEach((sink, n) => {
      const status = statuses[n] ?? 'pending';
      const error = status === 'failed' ? errorFor(sink, ev.fhir_resource_type ?? null, rng) : null;
      const syncedAt = status === 'synced' ? iso(Math.min(originMs + rng.int(2, 600) * 1000, ctx.nowMs - 1000)) : null;
      if (status === 'failed') {
        worst = 'failed';
        firstError ??= error;
      } else if (worst !== 'failed' && status !== 'synced') {
        worst = status;
      }
      if (syncedAt && (!lastSynced || syncedAt > lastSynced)) lastSynced = syncedAt;
      b.syncs.push({
        event_id: ev.id,
        event_type: ev.event_type,
        entity_id: ev.entity_id,
        entity_type: ev.entity_type ?? null,
        display_name: names.get(ev.entity_id) ?? null,
        source: ev.source,
        source_system: ev.source_system ?? null,
        data_source_id: sink.data_source_id,
        fhir_resource_type: ev.fhir_resource_type ?? null,
        fhir_resource_id: ev.fhir_resource_id ?? null,
        sync_status: status,
        sync_error: error,
        synced_at: syncedAt,
        created_at: ev.created_at ?? null,
      });
    });
    ev.sync_status = worst;
    ev.sync_error = firstError;
    ev.synced_at = worst === 'synced' ? lastSynced : null;
  }
}
