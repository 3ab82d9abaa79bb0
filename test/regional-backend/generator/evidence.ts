/**
 * "Is this extracted value in the transcript?" with the simple normalisation a reviewer would
 * apply in their head: case and punctuation do not matter, spoken digits and numbers become
 * digits ("five five five, oh one two three" = 5550123), spoken dates become ISO dates ("March
 * third, nineteen eighty-two" = 1982-03-03; a date said without a year matches any year), a
 * North American number matches with or without its +1, and unit and street words match their
 * abbreviations (milligrams = mg, Lane = Ln).
 *
 * The generator uses this to prove that the values it marks "no evidence" are really absent, and
 * the tests use it to prove that every other extracted value is present.
 */
import type { CallDetail } from '../../../shared/amigo';

const UNITS: Readonly<Record<string, number>> = {
  zero: 0,
  oh: 0,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
};
const TEENS: Readonly<Record<string, number>> = {
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
};
const TENS: Readonly<Record<string, number>> = {
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
};
const ORDINAL_UNITS: Readonly<Record<string, number>> = {
  first: 1,
  second: 2,
  third: 3,
  fourth: 4,
  fifth: 5,
  sixth: 6,
  seventh: 7,
  eighth: 8,
  ninth: 9,
};
const ORDINAL_TEENS: Readonly<Record<string, number>> = {
  tenth: 10,
  eleventh: 11,
  twelfth: 12,
  thirteenth: 13,
  fourteenth: 14,
  fifteenth: 15,
  sixteenth: 16,
  seventeenth: 17,
  eighteenth: 18,
  nineteenth: 19,
};
const ORDINAL_TENS: Readonly<Record<string, number>> = { twentieth: 20, thirtieth: 30 };
const MONTHS: Readonly<Record<string, number>> = {
  january: 1,
  february: 2,
  march: 3,
  april: 4,
  may: 5,
  june: 6,
  july: 7,
  august: 8,
  september: 9,
  october: 10,
  november: 11,
  december: 12,
};
const SYNONYMS: Readonly<Record<string, string>> = {
  milligram: 'mg',
  milligrams: 'mg',
  microgram: 'mcg',
  micrograms: 'mcg',
  street: 'st',
  road: 'rd',
  avenue: 'ave',
  lane: 'ln',
  drive: 'dr',
  court: 'ct',
  boulevard: 'blvd',
  place: 'pl',
};
const ORDINAL_SUFFIXES = new Set(['st', 'nd', 'rd', 'th']);

type Token =
  | { kind: 'word'; text: string }
  /** `words`: how many number words it came from (0 = written in digits). */
  | { kind: 'num'; value: number; digits: string; words: number; fromDigitRun: boolean }
  | { kind: 'date'; iso: string };

const has = (table: Readonly<Record<string, number>>, word: string | undefined): word is string =>
  word !== undefined && Object.prototype.hasOwnProperty.call(table, word);
const isNumberWord = (w: string | undefined): boolean =>
  has(UNITS, w) ||
  has(TEENS, w) ||
  has(TENS, w) ||
  has(ORDINAL_UNITS, w) ||
  has(ORDINAL_TEENS, w) ||
  has(ORDINAL_TENS, w);
const pad2 = (n: number | string): string => String(n).padStart(2, '0');

/** Parses one cardinal/ordinal phrase ("eight hundred fifty", "twenty-first") starting at `start`. */
function parseCardinal(words: readonly string[], start: number): { value: number; next: number } {
  let total = 0;
  let current = 0;
  let last: 'none' | 'unit' | 'teen' | 'tens' | 'hundred' | 'thousand' = 'none';
  let i = start;
  while (i < words.length) {
    const w = words[i];
    const afterScale = last === 'none' || last === 'hundred' || last === 'thousand';
    if (w !== 'oh' && w !== 'zero' && has(UNITS, w) && (afterScale || last === 'tens')) {
      current += UNITS[w] ?? 0;
      last = 'unit';
    } else if (has(ORDINAL_UNITS, w) && (afterScale || last === 'tens')) {
      current += ORDINAL_UNITS[w] ?? 0;
      i++;
      break;
    } else if (has(TEENS, w) && afterScale) {
      current += TEENS[w] ?? 0;
      last = 'teen';
    } else if (has(ORDINAL_TEENS, w) && afterScale) {
      current += ORDINAL_TEENS[w] ?? 0;
      i++;
      break;
    } else if (has(TENS, w) && afterScale) {
      current += TENS[w] ?? 0;
      last = 'tens';
    } else if (has(ORDINAL_TENS, w) && afterScale) {
      current += ORDINAL_TENS[w] ?? 0;
      i++;
      break;
    } else if (w === 'hundred' && (last === 'unit' || last === 'teen')) {
      current *= 100;
      last = 'hundred';
    } else if (w === 'thousand' && last !== 'none' && last !== 'thousand') {
      total += current * 1000;
      current = 0;
      last = 'thousand';
    } else if (w === 'and' && (last === 'hundred' || last === 'thousand') && isNumberWord(words[i + 1])) {
      // "two thousand and five"
    } else {
      break;
    }
    i++;
  }
  if (i === start) {
    // 'oh'/'zero' on their own: a digit.
    return { value: UNITS[words[start] ?? ''] ?? 0, next: start + 1 };
  }
  return { value: total + current, next: i };
}

function rawWords(text: string): string[] {
  let s = text.normalize('NFKC').toLowerCase().replace(/['’]/g, '');
  // Written dates become one protected token before punctuation is dropped.
  s = s.replace(/\b(\d{4})-(\d{2})-(\d{2})\b/g, ' §$1$2$3 ');
  s = s.replace(
    /\b(\d{1,2})\/(\d{1,2})\/(\d{4})\b/g,
    (_m, mm: string, dd: string, yyyy: string) => ` §${yyyy}${pad2(mm)}${pad2(dd)} `,
  );
  // Letters and digits split ("20mg" → 20 mg, "3rd" → 3 rd); hyphenated words split ("eighty-two").
  return s.match(/§\d{8}|\p{L}+|\p{N}+/gu) ?? [];
}

function tokenize(text: string): Token[] {
  const words = rawWords(text);
  // 1. numbers: digit strings, runs of single digit words, and number phrases.
  const tokens: Token[] = [];
  for (let i = 0; i < words.length;) {
    const w = words[i] ?? '';
    if (w.startsWith('§')) {
      tokens.push({ kind: 'date', iso: `${w.slice(1, 5)}-${w.slice(5, 7)}-${w.slice(7, 9)}` });
      i++;
      continue;
    }
    if (/^\p{N}+$/u.test(w)) {
      tokens.push({ kind: 'num', value: Number(w), digits: w, words: 0, fromDigitRun: false });
      i++;
      // "3rd": drop the ordinal suffix that followed the digits.
      if (ORDINAL_SUFFIXES.has(words[i] ?? '')) i++;
      continue;
    }
    const prev = tokens[tokens.length - 1];
    const prevIsDigitWord = prev?.kind === 'num' && prev.fromDigitRun;
    const next = words[i + 1];
    const isDigitWord = has(UNITS, w);
    const nextIsDigitWord = has(UNITS, next);
    if (isDigitWord && (nextIsDigitWord || prevIsDigitWord) && next !== 'hundred' && next !== 'thousand') {
      // Digit by digit: phone numbers, postal codes, house numbers.
      const value = UNITS[w] ?? 0;
      tokens.push({ kind: 'num', value, digits: String(value), words: 1, fromDigitRun: true });
      i++;
      continue;
    }
    if (w === 'oh' || !isNumberWord(w)) {
      tokens.push({ kind: 'word', text: SYNONYMS[w] ?? w });
      i++;
      continue;
    }
    const { value, next: after } = parseCardinal(words, i);
    tokens.push({ kind: 'num', value, digits: String(value), words: after - i, fromDigitRun: false });
    i = after;
  }

  // 2. years said in two halves: "nineteen eighty-two", "twenty twenty-six".
  const merged: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const u = tokens[i + 1];
    if (
      t?.kind === 'num' &&
      u?.kind === 'num' &&
      t.words === 1 &&
      u.words > 0 &&
      !t.fromDigitRun &&
      (t.value === 19 || t.value === 20) &&
      u.value >= 10 &&
      u.value <= 99
    ) {
      const year = t.value * 100 + u.value;
      merged.push({ kind: 'num', value: year, digits: String(year), words: t.words + u.words, fromDigitRun: false });
      i++;
    } else if (t) {
      merged.push(t);
    }
  }

  // 3. dates: "march 3 1982", "march the 3", "3 of march 1982"; a missing year is a wildcard.
  const dated: Token[] = [];
  const dayAt = (i: number): number | undefined => {
    const t = merged[i];
    return t?.kind === 'num' && !t.fromDigitRun && t.value >= 1 && t.value <= 31 ? t.value : undefined;
  };
  const yearAt = (i: number): number | undefined => {
    const t = merged[i];
    return t?.kind === 'num' && t.value >= 1900 && t.value <= 2100 ? t.value : undefined;
  };
  const monthAt = (i: number): number | undefined => {
    const t = merged[i];
    return t?.kind === 'word' ? MONTHS[t.text] : undefined;
  };
  const wordAt = (i: number): string | undefined => {
    const t = merged[i];
    return t?.kind === 'word' ? t.text : undefined;
  };
  for (let i = 0; i < merged.length;) {
    const month = monthAt(i);
    if (month !== undefined) {
      const dayIndex = wordAt(i + 1) === 'the' ? i + 2 : i + 1;
      const day = dayAt(dayIndex);
      if (day !== undefined) {
        const year = yearAt(dayIndex + 1);
        dated.push({ kind: 'date', iso: `${year ?? 'xxxx'}-${pad2(month)}-${pad2(day)}` });
        i = dayIndex + (year === undefined ? 1 : 2);
        continue;
      }
    }
    const day = dayAt(i);
    if (day !== undefined && wordAt(i + 1) === 'of') {
      const m = monthAt(i + 2);
      if (m !== undefined) {
        const year = yearAt(i + 3);
        dated.push({ kind: 'date', iso: `${year ?? 'xxxx'}-${pad2(m)}-${pad2(day)}` });
        i += year === undefined ? 3 : 4;
        continue;
      }
    }
    const t = merged[i];
    if (t) dated.push(t);
    i++;
  }
  return dated;
}

/**
 * The canonical token sequence of a text: words (lowercase, abbreviated), digit strings (adjacent
 * numbers joined: "(312) 555-0142" → 3125550142; a leading US/Canada country code dropped), and
 * ISO dates (`xxxx-MM-DD` when the year was not said).
 */
export function evidenceTokens(text: string): string[] {
  const out: string[] = [];
  let run = '';
  const flush = (): void => {
    if (run === '') return;
    out.push(run.length === 11 && run.startsWith('1') ? run.slice(1) : run);
    run = '';
  };
  for (const t of tokenize(text)) {
    if (t.kind === 'num') {
      run += t.digits;
      continue;
    }
    flush();
    out.push(t.kind === 'date' ? t.iso : t.text);
  }
  flush();
  return out;
}

const sameToken = (valueToken: string, textToken: string): boolean =>
  valueToken === textToken ||
  (textToken.startsWith('xxxx-') &&
    /^\d{4}-\d{2}-\d{2}$/.test(valueToken) &&
    valueToken.slice(4) === textToken.slice(4));

/** Whether a precomputed transcript token list contains the value's tokens contiguously. */
export function tokensContain(textTokens: readonly string[], value: unknown): boolean {
  if (value === null || value === undefined) return false;
  const needle = evidenceTokens(String(value));
  if (needle.length === 0) return false;
  outer: for (let i = 0; i + needle.length <= textTokens.length; i++) {
    for (let j = 0; j < needle.length; j++) {
      if (!sameToken(needle[j] ?? '', textTokens[i + j] ?? '')) continue outer;
    }
    return true;
  }
  return false;
}

/** Whether `value` is said somewhere in `text` (see the module comment for the normalisation). */
export function valueAppearsIn(value: unknown, text: string): boolean {
  return tokensContain(evidenceTokens(text), value);
}

/** Everything said in a call, agent and caller, one turn per line: what evidence is searched in. */
export function callTranscriptText(call: Pick<CallDetail, 'turns'>): string {
  const lines: string[] = [];
  for (const turn of call.turns) {
    if (turn.agent_transcript) lines.push(turn.agent_transcript);
    if (turn.user_transcript) lines.push(turn.user_transcript);
  }
  return lines.join('\n');
}
