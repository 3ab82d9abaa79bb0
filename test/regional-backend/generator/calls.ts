/**
 * Synthetic patient calls: multi-turn transcripts in which the caller states the facts the voice
 * agent then extracts. Each fact records which turn holds it and the exact words used for each
 * field (`quotes`), so the judge analysis can point the reviewer at the evidence.
 */
import type { DatasetRecord } from '../dataset';
import type { GeneratorContext, PatientIdentity } from './context';
import { iso } from './context';
import { evidenceTokens } from './evidence';
import type { Rng } from './rng';
import type { DateStyle, PhoneStyle } from './spoken';
import {
  DATE_STYLES,
  PHONE_STYLES,
  spokenDate,
  spokenDayOfYear,
  spokenDose,
  spokenHouseNumber,
  spokenPhone,
  spokenPostalCode,
} from './spoken';
import { MONTH_NAMES } from './vocab';

export type CallRecord = DatasetRecord<'calls'>;
type Turn = CallRecord['turns'][number];

export const FACT_KINDS = ['pharmacy', 'phone', 'address', 'dob', 'medication', 'allergy', 'appointment'] as const;
export type FactKind = (typeof FACT_KINDS)[number];

/** Confirmation levels of agent-captured data and their confidence (api.md §9.1). */
export type ConfirmationLevel = 'inferred' | 'mentioned' | 'confirmed';
export const LEVEL_CONFIDENCE: Readonly<Record<ConfirmationLevel, number>> = {
  inferred: 0.2,
  mentioned: 0.3,
  confirmed: 0.5,
};

export interface Address {
  number: string;
  /** Street with the PHI marker: "Zq7PhiMarker Alder Lane". */
  street: string;
  city: string;
  region: string;
  postal_code: string;
}
export const addressLine = (a: Pick<Address, 'number' | 'street'>): string => `${a.number} ${a.street}`;

export interface FactPlan {
  kind: FactKind;
  /** The true values the caller states, by data field name. */
  values: Record<string, string>;
  level: ConfirmationLevel;
  /** A read-back would put the value in the transcript; never for a value the extractor will get wrong. */
  readBack: boolean;
  /** The extractor will get this one wrong: the caller's turn gets a low speech-to-text confidence. */
  misheard: boolean;
  doseChange: boolean;
}

export interface FactEvidence {
  turnIndex: number;
  /** Field → the exact words in that turn's `user_transcript`. */
  quotes: Record<string, string>;
}

export interface BuiltCall {
  call: CallRecord;
  evidence: FactEvidence[];
  /** Evidence tokens of the whole transcript (see evidence.ts), computed once per call. */
  tokens: string[];
  startMs: number;
  endMs: number;
  /** Offset of each turn's caller speech from the call start. */
  turnOffsetsMs: number[];
}

const STATE: Readonly<Record<FactKind, string>> = {
  pharmacy: 'pharmacy_update',
  phone: 'callback_number',
  address: 'address_update',
  dob: 'identity_verification',
  medication: 'medication_review',
  allergy: 'allergy_review',
  appointment: 'scheduling',
};

const ASK: Readonly<Record<Exclude<FactKind, 'dob'>, readonly string[]>> = {
  pharmacy: [
    'Of course. Which pharmacy should we send your prescriptions to?',
    'Sure. What is the name and location of the new pharmacy?',
  ],
  phone: ['What is the best callback number for you?', 'Okay, which number should we use to reach you?'],
  address: ['Sure. What is your new address?', 'Go ahead with the new address, please.'],
  medication: [
    'Which medication is it, and what dose are you taking?',
    'Okay. Tell me the medication name, the dose, and how often you take it.',
  ],
  allergy: [
    'I can add that. What are you allergic to, and what reaction did you have?',
    'What is the allergy, and what happened when you were exposed?',
  ],
  appointment: [
    'Happy to help. What day works for you, and what is the visit for?',
    'Sure. When would you like to come in?',
  ],
};

const INTENT: Readonly<Record<FactKind, string>> = {
  pharmacy: 'update my pharmacy',
  phone: 'give you a new callback number',
  address: 'change my address',
  dob: 'check my records',
  medication: 'update my medication list',
  allergy: 'report an allergy',
  appointment: 'book an appointment',
};

const AFFIRM: readonly string[] = ["Yes, that's right.", 'Yep, correct.', "That's correct."];

interface Said {
  text: string;
  quotes: Record<string, string>;
}

/** The caller's answer for one fact, built from surface forms so the quotes are exact substrings. */
function answer(ctx: GeneratorContext, rng: Rng, fact: FactPlan): Said {
  const v = fact.values;
  const get = (k: string): string => v[k] ?? '';
  switch (fact.kind) {
    case 'pharmacy': {
      const n = get('pharmacy_name');
      const l = get('pharmacy_location');
      const text = rng.pick([
        `Please send my prescriptions to ${n} on ${l}.`,
        `I switched to ${n}, the one on ${l}.`,
        `It's ${n} over on ${l} now. That one's closer to work.`,
      ]);
      return { text, quotes: { pharmacy_name: n, pharmacy_location: l } };
    }
    case 'phone': {
      const p = spokenPhone(get('phone'), rng.pick<PhoneStyle>(PHONE_STYLES));
      const byUse: Record<string, readonly string[]> = {
        mobile: [`Sure, it's ${p}.`, `You can reach me at ${p}. That's my cell.`],
        home: [`Best number is ${p}. That's my home phone.`],
        work: [`Please use ${p}, it's my work line.`],
      };
      return { text: rng.pick(byUse[get('phone_use')] ?? [`Sure, it's ${p}.`]), quotes: { phone: p } };
    }
    case 'address': {
      const [num, ...rest] = get('address_line').split(' ');
      const line = `${spokenHouseNumber(num ?? '', rng)} ${rest.join(' ')}`;
      const city = get('city');
      const zip = spokenPostalCode(get('postal_code'), rng);
      const text = rng.pick([
        `I just moved to ${line}, ${city}, ${zip}.`,
        `The new address is ${line} in ${city}. The ${ctx.locale.postalLabel} is ${zip}.`,
        `It's ${line}, ${city}, ${get('region')} ${zip}.`,
      ]);
      return { text, quotes: { address_line: line, city, postal_code: zip } };
    }
    case 'dob': {
      const styles = DATE_STYLES.filter((s) => s !== 'numeric' || ctx.locale.numericDates);
      const b = spokenDate(get('birth_date'), rng.pick<DateStyle>(styles));
      return { text: rng.pick([`${b}.`, `It's ${b}.`, `Sure, ${b}.`]), quotes: { birth_date: b } };
    }
    case 'medication': {
      const m = get('medication');
      const d = spokenDose(get('dose'), rng);
      const f = get('frequency');
      const text = fact.doseChange
        ? `The dose on my ${m} changed. It's ${d} now, ${f}.`
        : rng.pick([
            `I'm taking ${m}, ${d}, ${f}.`,
            `My doctor started me on ${m} ${d}. I take it ${f}.`,
            `It's ${m}. ${d}, ${f}.`,
          ]);
      return { text, quotes: { medication: m, dose: d, frequency: f } };
    }
    case 'allergy': {
      const s = get('substance');
      const r = get('reaction');
      const text = rng.pick([
        `I'm allergic to ${s}. It gave me ${r}.`,
        `Yes, ${s}. I get ${r} from it.`,
        `I reacted to ${s} last month. I had ${r}.`,
      ]);
      return { text, quotes: { substance: s, reaction: r } };
    }
    case 'appointment': {
      const d = spokenDayOfYear(get('requested_date'), rng);
      const t = get('time_of_day');
      const r = get('reason');
      const text = rng.pick([
        `I'd like to book a ${get('appointment_type')} on ${d}, in the ${t} if possible. It's about ${r}.`,
        `Could I come in on ${d}? The ${t} works best for me. It's for ${r}.`,
        `Do you have anything on ${d} in the ${t}? I need to see someone about ${r}.`,
      ]);
      return { text, quotes: { requested_date: d, time_of_day: t, reason: r } };
    }
  }
}

function readBack(fact: FactPlan): string {
  const v = (k: string): string => fact.values[k] ?? '';
  switch (fact.kind) {
    case 'pharmacy':
      return `Got it: ${v('pharmacy_name')} on ${v('pharmacy_location')}. Is that correct?`;
    case 'phone':
      return `Let me read that back: ${spokenPhone(v('phone'), 'paren')}. Did I get that right?`;
    case 'address':
      return `So that's ${v('address_line')}, ${v('city')}. Correct?`;
    case 'dob': {
      const [y, m, d] = v('birth_date').split('-').map(Number);
      return `Thank you. I have ${MONTH_NAMES[(m ?? 1) - 1] ?? ''} ${d ?? ''}, ${y ?? ''}. Is that right?`;
    }
    case 'medication':
      return `So ${v('medication')}, ${v('dose')}, ${v('frequency')}. Is that right?`;
    case 'allergy':
      return `I've noted an allergy to ${v('substance')}, with ${v('reaction')}. Is that correct?`;
    case 'appointment': {
      const [, m, d] = v('requested_date').split('-').map(Number);
      return `I'll request a ${v('appointment_type')} on ${MONTH_NAMES[(m ?? 1) - 1] ?? ''} ${d ?? ''} in the ${v('time_of_day')}. Does that work?`;
    }
  }
}

const wordCount = (s: string): number => s.split(/\s+/).filter(Boolean).length;

export interface CallInput {
  callIndex: number;
  callId: string;
  who: PatientIdentity;
  /** The number the patient calls from (or is called on). */
  patientPhone: string;
  startMs: number;
  outbound: boolean;
  /** The caller confirms their date of birth (always when a `dob` fact is planned). */
  dobSpoken: boolean;
  facts: FactPlan[];
}

export function buildCall(ctx: GeneratorContext, rng: Rng, input: CallInput): BuiltCall {
  const { who, facts } = input;
  const clinic = ctx.workspace.name;
  const turns: Turn[] = [];
  const userOffsets: number[] = [];
  let clock = rng.int(300, 900);

  const addTurn = (agent: string, user: string | null, state: string, lowStt = false): number => {
    const agentStart = clock;
    const naturalEnd = agentStart + wordCount(agent) * rng.int(290, 370);
    // A barge-in: the caller starts before the agent has finished, and the agent stops.
    const interrupted = user !== null && rng.chance(0.04);
    const userStart = interrupted
      ? Math.max(agentStart + 400, naturalEnd - rng.int(300, 1200))
      : naturalEnd + rng.int(250, 900);
    const agentEnd = interrupted ? userStart + rng.int(100, 300) : naturalEnd;
    const userEnd = user === null ? null : userStart + wordCount(user) * rng.int(320, 430);
    turns.push({
      id: `t${turns.length + 1}`,
      timestamp: iso(input.startMs + agentStart),
      speaker_id: 'caller',
      speaker_role: 'user',
      agent_transcript: agent,
      user_transcript: user,
      agent_speech_start_ms: agentStart,
      agent_speech_end_ms: agentEnd,
      user_speech_start_ms: user === null ? null : userStart,
      user_speech_end_ms: userEnd,
      stt_confidence:
        user === null ? null : Math.round((lowStt ? rng.float(0.52, 0.74) : rng.float(0.86, 0.99)) * 100) / 100,
      interrupted,
      state,
    });
    userOffsets.push(user === null ? agentStart : userStart);
    clock = Math.max(userEnd ?? 0, agentEnd) + rng.int(300, 1200);
    return turns.length - 1;
  };

  const kinds = facts.map((f) => f.kind).filter((k) => k !== 'dob');
  const intents = kinds.length > 0 ? [...new Set(kinds)].map((k) => INTENT[k]) : [INTENT.dob];
  const intentText =
    intents.length > 1
      ? `${intents.slice(0, -1).join(', ')} and ${intents[intents.length - 1] ?? ''}`
      : (intents[0] ?? '');

  if (input.outbound) {
    addTurn(
      `Hello, this is Ava calling from ${clinic} for ${who.name}. Is now a good time?`,
      rng.pick([
        `Yes, speaking. I also wanted to ${intentText}.`,
        `Sure. Actually, I need to ${intentText} while I have you.`,
      ]),
      'greeting',
    );
  } else {
    addTurn(
      rng.pick([
        `Thank you for calling ${clinic}. This is Ava, the clinic's virtual assistant. How can I help you today?`,
        `Hi, you've reached ${clinic}. I'm Ava, an automated assistant. What can I do for you?`,
      ]),
      rng.pick([
        `Hi, this is ${who.name}. I'm calling to ${intentText}.`,
        `Hello, my name is ${who.name}, and I need to ${intentText}.`,
        `Yeah, hi. It's ${who.name}. I wanted to ${intentText}.`,
      ]),
      'greeting',
    );
  }

  const evidence: FactEvidence[] = facts.map(() => ({ turnIndex: -1, quotes: {} }));
  const dobIndex = facts.findIndex((f) => f.kind === 'dob');
  if (input.dobSpoken || dobIndex >= 0) {
    const dobFact: FactPlan = facts[dobIndex] ?? {
      kind: 'dob',
      values: { birth_date: who.birthDate },
      level: 'mentioned',
      readBack: false,
      misheard: false,
      doseChange: false,
    };
    const said = answer(ctx, rng, dobFact);
    const t = addTurn(
      rng.pick([
        `Thanks, ${who.firstName}. Before I open your chart, can you confirm your date of birth?`,
        'Sure. For verification, what is your date of birth?',
      ]),
      said.text,
      STATE.dob,
      dobFact.misheard,
    );
    if (dobIndex >= 0) {
      evidence[dobIndex] = { turnIndex: t, quotes: said.quotes };
      if (dobFact.readBack) addTurn(readBack(dobFact), rng.pick(AFFIRM), STATE.dob);
    }
  } else {
    addTurn(
      'Thanks. I found your chart from the number you are calling from.',
      'Great, thank you.',
      'identity_verification',
    );
  }

  facts.forEach((fact, n) => {
    if (fact.kind === 'dob') return;
    const said = answer(ctx, rng, fact);
    const t = addTurn(rng.pick(ASK[fact.kind]), said.text, STATE[fact.kind], fact.misheard);
    evidence[n] = { turnIndex: t, quotes: said.quotes };
    if (fact.readBack) addTurn(readBack(fact), rng.pick(AFFIRM), STATE[fact.kind]);
    else if (!fact.misheard && rng.chance(0.05)) {
      addTurn("Sorry, I didn't catch all of that. Could you say it once more?", said.text, STATE[fact.kind]);
    }
  });

  addTurn(
    'Is there anything else I can help you with today?',
    rng.pick(["No, that's everything. Thank you.", "No, that's all. Thanks for your help."]),
    'wrap_up',
  );
  addTurn(
    `You're welcome, ${who.firstName}. A member of our care team will review the update. Have a good day.`,
    null,
    'wrap_up',
  );

  const endOffset = clock + rng.int(500, 2500);
  const endMs = input.startMs + endOffset;
  const verified = turns
    .flatMap((t) => [
      `Agent: ${t.agent_transcript ?? ''}`,
      ...(t.user_transcript ? [`Caller: ${t.user_transcript}`] : []),
    ])
    .join('\n');
  const text = turns.flatMap((t) => [t.agent_transcript ?? '', t.user_transcript ?? '']).join('\n');

  const call: CallRecord = {
    id: input.callId,
    workspace_id: ctx.workspace.id,
    call_sid: `CA${ctx.ids.hex('call-sid', input.callIndex)}`,
    direction: input.outbound ? 'outbound' : 'inbound',
    status: 'completed',
    call_start_time: iso(input.startMs),
    call_end_time: iso(endMs),
    call_duration_seconds: Math.round(endOffset / 1000),
    caller_id: input.outbound ? ctx.clinicPhone : input.patientPhone,
    phone_number: input.outbound ? input.patientPhone : ctx.clinicPhone,
    completion_reason: rng.weighted<string>([
      ['caller_hangup', 6],
      ['agent_hangup', 3],
      ['completed', 2],
    ]),
    turns,
    verified_transcript: verified,
    conversation_summary: {
      summary: `${who.name} called to ${intentText}. ${facts.length} update${facts.length === 1 ? '' : 's'} captured for review.`,
      topics: facts.map((f) => f.kind),
      sentiment: rng.weighted<string>([
        ['neutral', 6],
        ['positive', 3],
        ['negative', 1],
      ]),
    },
    call_analysis: { intents: kinds, language: 'en', agent_handoff: false, turn_count: turns.length },
  };
  return { call, evidence, tokens: evidenceTokens(text), startMs: input.startMs, endMs, turnOffsetsMs: userOffsets };
}
