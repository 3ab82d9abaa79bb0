/**
 * What every part of one workspace's generation shares: the scale, the clock, the id space, the
 * sink (wrapped to count), the actors, and the few feedback counters that keep the proportions on
 * target (review items per patient, share of open items, share of "no evidence" extractions).
 */
import type { Role } from '../../../shared/amigo';
import type { DatasetRecord, DatasetResource, DatasetSink, Scale } from '../dataset';
import { PHI_MARKER } from '../dataset';
import type { DemoWorkspace } from '../directory';
import { DEMO_PEOPLE } from '../directory';
import { IdSpace, Rng, seedOf } from './rng';
import type { Locale } from './vocab';
import { FAMILY_NAMES, GIVEN_NAMES, LOCALES } from './vocab';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** Output is stable only if "now" is: the default is fixed, never the wall clock. */
export const DEFAULT_NOW = '2026-11-01T00:00:00.000Z';

export interface ScaleSpec {
  patients: number;
  reviewItems: number;
  auditEvents: number;
}

export const SCALE_SPECS: Readonly<Record<Scale, ScaleSpec>> = {
  small: { patients: 100, reviewItems: 200, auditEvents: 5_000 },
  medium: { patients: 2_000, reviewItems: 5_000, auditEvents: 100_000 },
  large: { patients: 40_000, reviewItems: 100_000, auditEvents: 1_000_000 },
};

/** Counts of emitted records per resource. */
export type GenerationSummary = Record<DatasetResource, number>;

export const emptySummary = (): GenerationSummary => ({
  workspaces: 0,
  review_items: 0,
  entities: 0,
  entity_events: 0,
  enrichment: 0,
  merges: 0,
  calls: 0,
  sinks: 0,
  sync_events: 0,
  audit_events: 0,
  retention: 0,
});

/** Hands records to the sink and counts them. */
export class Emitter {
  readonly summary = emptySummary();
  constructor(private readonly sink: DatasetSink) {}

  emit<R extends DatasetResource>(resource: R, record: DatasetRecord<R>): void {
    // The sink is a mapped type, so indexing it with a generic key loses the record type; the
    // signature of `emit` is what ties resource and record together.
    const handler = this.sink[resource] as (r: DatasetRecord<R>) => void;
    handler(record);
    this.summary[resource]++;
  }
}

export interface Actor {
  kind: 'person' | 'service';
  /** `actor_entity_id` in audit events (a person's `sub`). */
  entityId: string;
  credentialId: string;
  role: Role | 'service';
  label: string;
  userAgents: readonly string[];
  ips: readonly string[];
}

export interface SinkSpec {
  data_source_id: string;
  name: string;
  source_type: string;
  /** Which events this sink receives. */
  accepts: 'ehr' | 'crm' | 'warehouse';
}

export interface GeneratorContext {
  seed: number;
  scale: Scale;
  spec: ScaleSpec;
  workspace: DemoWorkspace;
  locale: Locale;
  nowMs: number;
  ids: IdSpace;
  emitter: Emitter;
  /** `source_system` of the workspace's EHR connector. */
  ehrSystem: string;
  ehrPrefix: string;
  mrnPrefix: string;
  /** The clinic's own (fictional) number: the callee of inbound calls. */
  clinicPhone: string;
  sinks: SinkSpec[];
  members: Actor[];
  /** Members allowed to decide review items (member and above). */
  reviewers: Actor[];
  services: Actor[];
  counters: {
    event: number;
    call: number;
    item: number;
    audit: number;
    medication: number;
    allergy: number;
    appointment: number;
    fhir: number;
  };
  /** Feedback state; see world.ts. */
  feedback: {
    itemsProduced: number;
    itemsSeen: number;
    opens: number;
    voiceEvents: number;
    hallucinationCredit: number;
  };
  /** Patient index of each call and each review item, by global index: the audit stream's references. */
  callPatient: number[];
  itemPatient: number[];
  /** The first correction in the workspace is held back from one sink on purpose (see sync.ts). */
  partialSyncPlanted: boolean;
}

const EHR_BY_REGION: Readonly<Record<string, { system: string; prefix: string }>> = {
  'us-east-1': { system: 'revolution', prefix: 'rev' },
  'ca-central-1': { system: 'gcp_fhir', prefix: 'fhir' },
  'eu-central-1': { system: 'gcp_fhir', prefix: 'fhir' },
  'ap-southeast-2': { system: 'revolution', prefix: 'rev' },
};

const ATTEST_AGENTS = [
  'Attest/0.1.0 (Electron 45; Windows NT 10.0; x64)',
  'Attest/0.1.0 (Electron 45; Macintosh; macOS 15.4)',
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0 Safari/537.36 Attest-browser/0.1.0',
];

export function createContext(
  opts: { seed: number; scale: Scale; workspace: DemoWorkspace; now?: Date | undefined },
  emitter: Emitter,
): GeneratorContext {
  const { seed, scale, workspace } = opts;
  const nowMs = (opts.now ?? new Date(DEFAULT_NOW)).getTime();
  if (!Number.isFinite(nowMs)) throw new Error('generateWorkspace: `now` is not a valid date');
  if (!Number.isInteger(seed)) throw new Error('generateWorkspace: `seed` must be an integer');
  const ids = new IdSpace(seed, workspace.id);
  const ehr = EHR_BY_REGION[workspace.region] ?? { system: 'gcp_fhir', prefix: 'fhir' };
  const initials = workspace.slug
    .split('-')
    .map((part) => part.charAt(0).toUpperCase())
    .join('');
  const rng = Rng.keyed(seed, workspace.id, 'actors');
  const officeNet = `10.${rng.int(16, 250)}.${rng.int(0, 250)}`;

  const members: Actor[] = DEMO_PEOPLE.flatMap((person, n) => {
    const membership = person.memberships.find((m) => m.workspaceId === workspace.id);
    if (!membership) return [];
    return [
      {
        kind: 'person' as const,
        entityId: person.sub,
        credentialId: ids.uuid('credential-person', n),
        role: membership.role,
        label: person.name,
        userAgents: ATTEST_AGENTS,
        // Office LAN most of the time, a home connection sometimes (documentation ranges only).
        ips: [`${officeNet}.${rng.int(10, 200)}`, `${officeNet}.${rng.int(10, 200)}`, `198.51.100.${rng.int(2, 250)}`],
      },
    ];
  });
  const reviewers = members.filter((m) => m.role !== 'viewer');
  const service = (n: number, label: string, agent: string): Actor => ({
    kind: 'service',
    entityId: ids.uuid('service-entity', n),
    credentialId: ids.uuid('service-credential', n),
    role: 'service',
    label,
    userAgents: [agent],
    ips: [`10.0.${rng.int(1, 9)}.${rng.int(2, 250)}`],
  });
  const services = [
    service(0, 'connector-runner', 'amigo-connector-runner/3.8.2'),
    service(1, 'voice-agent', 'amigo-voice-agent/2026.10.2'),
    service(2, 'review-judge', 'amigo-review-judge/1.14.0'),
    service(3, 'reporting-api-key', 'python-httpx/0.28.1'),
  ];

  const sinks: SinkSpec[] = [
    {
      data_source_id: ids.uuid('sink', 0),
      name: ehr.system === 'revolution' ? 'Revolution EHR' : 'Clinic FHIR Store',
      source_type: 'ehr',
      accepts: 'ehr',
    },
    { data_source_id: ids.uuid('sink', 1), name: 'HubSpot', source_type: 'crm', accepts: 'crm' },
  ];
  // The flagship demo workspace gets a third sink so "reached every sink" has more than two answers.
  if (workspace.slug === 'riverbend-clinic') {
    sinks.push({
      data_source_id: ids.uuid('sink', 2),
      name: 'Clinic Data Warehouse',
      source_type: 'warehouse',
      accepts: 'warehouse',
    });
  }

  return {
    seed,
    scale,
    spec: SCALE_SPECS[scale],
    workspace,
    locale: LOCALES[workspace.region],
    nowMs,
    ids,
    emitter,
    ehrSystem: ehr.system,
    ehrPrefix: ehr.prefix,
    mrnPrefix: `${initials}-`,
    clinicPhone: fictionalPhone(Rng.keyed(seed, workspace.id, 'clinic-phone')),
    sinks,
    members,
    reviewers: reviewers.length > 0 ? reviewers : members,
    services,
    counters: { event: 0, call: 0, item: 0, audit: 0, medication: 0, allergy: 0, appointment: 0, fhir: 0 },
    feedback: { itemsProduced: 0, itemsSeen: 0, opens: 0, voiceEvents: 0, hallucinationCredit: 0 },
    callPatient: [],
    itemPatient: [],
    partialSyncPlanted: false,
  };
}

export const iso = (ms: number): string => new Date(ms).toISOString();
export const isoDate = (ms: number): string => iso(ms).slice(0, 10);

export interface PatientIdentity {
  index: number;
  entityId: string;
  /** Full name with the PHI marker as a middle name: "Mara Zq7PhiMarker Lindqvist". */
  name: string;
  /** How the agent addresses the caller; carries the marker too, since it is PHI. */
  firstName: string;
  family: string;
  gender: 'female' | 'male' | 'other';
  birthDate: string;
  mrn: string;
  email: string;
  /** Phone on file at registration (E.164, NANP fictional 555-01XX). */
  phone: string;
  ehrId: string;
}

/** A fictional NANP number: any area code with 555-0100…0199 is reserved for fiction. */
export function fictionalPhone(rng: Rng): string {
  let npa = rng.int(201, 989);
  if (npa % 100 === 11) npa += 1;
  return `+1${npa}55501${String(rng.int(0, 99)).padStart(2, '0')}`;
}

/** E-mail-safe family names, computed once: Unicode normalisation is slow on the audit hot path. */
const asciiFamilies = new Map(
  FAMILY_NAMES.map((f) => [
    f,
    f
      .normalize('NFKD')
      .replace(/[^A-Za-z]/g, '')
      .toLowerCase(),
  ]),
);

/**
 * A patient's identity depends only on (seed, workspace, index), so the audit stream can name
 * patient n again without keeping every patient in memory.
 */
export function patientIdentity(ctx: GeneratorContext, index: number): PatientIdentity {
  const rng = new Rng(seedOf([ctx.seed, ctx.workspace.id, 'patient-identity', index]));
  const [given, gender] = rng.pick(GIVEN_NAMES);
  const family = rng.pick(FAMILY_NAMES);
  const year = rng.int(1938, 2006);
  const month = rng.int(1, 12);
  const day = rng.int(1, new Date(Date.UTC(year, month, 0)).getUTCDate());
  const birthDate = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  const serial = String(index + 1).padStart(6, '0');
  const asciiFamily = asciiFamilies.get(family) ?? family.toLowerCase();
  return {
    index,
    entityId: ctx.ids.uuid('patient', index),
    name: `${given} ${PHI_MARKER} ${family}`,
    firstName: `${given} ${PHI_MARKER}`,
    family,
    gender,
    birthDate,
    mrn: `${ctx.mrnPrefix}${serial}`,
    email: `${given.toLowerCase()}.${PHI_MARKER}.${asciiFamily}@example.invalid`,
    phone: fictionalPhone(rng),
    ehrId: `${ctx.ehrPrefix}-pat-${serial}`,
  };
}
