/**
 * "Is this extracted value in the transcript, and where?" with the simple normalisation a reviewer
 * would apply in their head: case and punctuation do not matter, spoken digits and numbers become
 * digits ("five five five, oh one two three" = 5550123), spoken dates become ISO dates ("March
 * third, nineteen eighty-two" = 1982-03-03; a date said without a year matches any year), a
 * North American number matches with or without its +1, and unit and street words match their
 * abbreviations (milligrams = mg, Lane = Ln).
 *
 * Every canonical token keeps the character range of the source text it came from, so the app can
 * highlight exactly the words that carry a value. The app uses this to decide "evidence found" on
 * its own (never trusting the judge's flag alone); the simulator's generator uses the same rules
 * to prove the values it marks "no evidence" are really absent.
 */

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

/** A span of the source text: `start` inclusive, `end` exclusive, in UTF-16 code units. */
export interface TextRange {
  start: number;
  end: number;
}

/** A canonical token and the source range it stands for. */
export interface EvidenceToken extends TextRange {
  text: string;
}

interface Word extends TextRange {
  w: string;
}

type Token = TextRange &
  (
    | { kind: 'word'; text: string }
    /** `words`: how many number words it came from (0 = written in digits). */
    | { kind: 'num'; value: number; digits: string; words: number; fromDigitRun: boolean }
    | { kind: 'date'; iso: string }
  );

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
const span = (a: TextRange, b: TextRange): TextRange => ({ start: a.start, end: b.end });

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

/**
 * Written dates first (one protected token each), then runs of letters (apostrophes inside a word
 * are dropped: "that's" = thats) and runs of digits. Letters and digits split ("20mg" → 20 mg,
 * "3rd" → 3 rd), and so do hyphenated words ("eighty-two"). Matching runs on the source text so
 * every word keeps its offsets; each word is NFKC-normalised and lowercased on its own.
 */
const WORD_PATTERN =
  /(?<!\w)(\d{4})-(\d{2})-(\d{2})(?!\w)|(?<!\w)(\d{1,2})\/(\d{1,2})\/(\d{4})(?!\w)|\p{L}+(?:['’]\p{L}+)*|\p{N}+/gu;

function rawWords(text: string): Word[] {
  const words: Word[] = [];
  for (const m of text.matchAll(WORD_PATTERN)) {
    const start = m.index;
    const end = start + m[0].length;
    if (m[1] !== undefined) {
      words.push({ w: `§${m[1]}${m[2] ?? ''}${m[3] ?? ''}`, start, end });
    } else if (m[4] !== undefined) {
      words.push({ w: `§${m[6] ?? ''}${pad2(m[4])}${pad2(m[5] ?? '')}`, start, end });
    } else {
      words.push({ w: m[0].normalize('NFKC').toLowerCase().replace(/['’]/g, ''), start, end });
    }
  }
  return words;
}

function tokenize(text: string): Token[] {
  const found = rawWords(text);
  const words = found.map((f) => f.w);
  const rangeOf = (from: number, to: number): TextRange => ({
    start: found[from]?.start ?? 0,
    end: found[to - 1]?.end ?? 0,
  });
  // 1. numbers: digit strings, runs of single digit words, and number phrases.
  const tokens: Token[] = [];
  for (let i = 0; i < words.length;) {
    const w = words[i] ?? '';
    if (w.startsWith('§')) {
      tokens.push({ kind: 'date', iso: `${w.slice(1, 5)}-${w.slice(5, 7)}-${w.slice(7, 9)}`, ...rangeOf(i, i + 1) });
      i++;
      continue;
    }
    if (/^\p{N}+$/u.test(w)) {
      tokens.push({ kind: 'num', value: Number(w), digits: w, words: 0, fromDigitRun: false, ...rangeOf(i, i + 1) });
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
      tokens.push({ kind: 'num', value, digits: String(value), words: 1, fromDigitRun: true, ...rangeOf(i, i + 1) });
      i++;
      continue;
    }
    if (w === 'oh' || !isNumberWord(w)) {
      tokens.push({ kind: 'word', text: SYNONYMS[w] ?? w, ...rangeOf(i, i + 1) });
      i++;
      continue;
    }
    const { value, next: after } = parseCardinal(words, i);
    tokens.push({
      kind: 'num',
      value,
      digits: String(value),
      words: after - i,
      fromDigitRun: false,
      ...rangeOf(i, after),
    });
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
      merged.push({
        kind: 'num',
        value: year,
        digits: String(year),
        words: t.words + u.words,
        fromDigitRun: false,
        ...span(t, u),
      });
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
  const rangeFrom = (from: number, toInclusive: number): TextRange => ({
    start: merged[from]?.start ?? 0,
    end: merged[toInclusive]?.end ?? 0,
  });
  for (let i = 0; i < merged.length;) {
    const month = monthAt(i);
    if (month !== undefined) {
      const dayIndex = wordAt(i + 1) === 'the' ? i + 2 : i + 1;
      const day = dayAt(dayIndex);
      if (day !== undefined) {
        const year = yearAt(dayIndex + 1);
        const last = year === undefined ? dayIndex : dayIndex + 1;
        dated.push({ kind: 'date', iso: `${year ?? 'xxxx'}-${pad2(month)}-${pad2(day)}`, ...rangeFrom(i, last) });
        i = last + 1;
        continue;
      }
    }
    const day = dayAt(i);
    if (day !== undefined && wordAt(i + 1) === 'of') {
      const m = monthAt(i + 2);
      if (m !== undefined) {
        const year = yearAt(i + 3);
        const last = year === undefined ? i + 2 : i + 3;
        dated.push({ kind: 'date', iso: `${year ?? 'xxxx'}-${pad2(m)}-${pad2(day)}`, ...rangeFrom(i, last) });
        i = last + 1;
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
 * The canonical tokens of a text with their source ranges: words (lowercase, abbreviated), digit
 * strings (adjacent numbers joined: "(312) 555-0142" → 3125550142; a leading US/Canada country
 * code dropped), and ISO dates (`xxxx-MM-DD` when the year was not said).
 */
export function evidenceTokenSpans(text: string): EvidenceToken[] {
  const out: EvidenceToken[] = [];
  // The digit run being joined: its digits and source range (start = -1 when there is none).
  let digits = '';
  let start = -1;
  let end = -1;
  const flush = (): void => {
    if (start < 0) return;
    out.push({ text: digits.length === 11 && digits.startsWith('1') ? digits.slice(1) : digits, start, end });
    digits = '';
    start = -1;
  };
  for (const t of tokenize(text)) {
    if (t.kind === 'num') {
      if (start < 0) start = t.start;
      digits += t.digits;
      end = t.end;
      continue;
    }
    flush();
    out.push({ text: t.kind === 'date' ? t.iso : t.text, start: t.start, end: t.end });
  }
  flush();
  return out;
}

/** The canonical token sequence of a text (see {@link evidenceTokenSpans}). */
export function evidenceTokens(text: string): string[] {
  return evidenceTokenSpans(text).map((t) => t.text);
}

const sameToken = (valueToken: string, textToken: string): boolean =>
  valueToken === textToken ||
  (textToken.startsWith('xxxx-') &&
    /^\d{4}-\d{2}-\d{2}$/.test(valueToken) &&
    valueToken.slice(4) === textToken.slice(4));

/** A value as text: strings as they are, numbers and booleans printed; anything else is no value. */
const valueText = (value: unknown): string | null => {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return null;
};

/** Index of the first place the needle's tokens occur contiguously in `textTokens`, or -1. */
function indexOfTokens(textTokens: readonly string[], needle: readonly string[]): number {
  if (needle.length === 0) return -1;
  outer: for (let i = 0; i + needle.length <= textTokens.length; i++) {
    for (let j = 0; j < needle.length; j++) {
      if (!sameToken(needle[j] ?? '', textTokens[i + j] ?? '')) continue outer;
    }
    return i;
  }
  return -1;
}

/** The canonical tokens of a value, or none for an empty or non-scalar value. */
export function valueTokens(value: unknown): string[] {
  const text = valueText(value);
  return text === null ? [] : evidenceTokens(text);
}

/** Whether a precomputed transcript token list contains the value's tokens contiguously. */
export function tokensContain(textTokens: readonly string[], value: unknown): boolean {
  return indexOfTokens(textTokens, valueTokens(value)) >= 0;
}

/** Whether `value` is said somewhere in `text` (see the module comment for the normalisation). */
export function valueAppearsIn(value: unknown, text: string): boolean {
  return tokensContain(evidenceTokens(text), value);
}

/** Where in `text` (as tokenized by {@link evidenceTokenSpans}) the value is said first, or null. */
export function findValueRange(spans: readonly EvidenceToken[], value: unknown): TextRange | null {
  const needle = valueTokens(value);
  const at = indexOfTokens(
    spans.map((s) => s.text),
    needle,
  );
  if (at < 0) return null;
  const first = spans[at];
  const last = spans[at + needle.length - 1];
  return first && last ? { start: first.start, end: last.end } : null;
}

/**
 * Widens a highlight to the bracket it cuts through, so "(312) 555-0142" is marked whole rather
 * than as "312) 555-0142" (tokens hold words and digits, never punctuation).
 */
export function balanceBrackets(text: string, range: TextRange): TextRange {
  const inner = text.slice(range.start, range.end);
  const opens = (inner.match(/\(/g) ?? []).length;
  const closes = (inner.match(/\)/g) ?? []).length;
  let { start, end } = range;
  if (closes > opens && text[start - 1] === '(') start--;
  if (opens > closes && text[end] === ')') end++;
  return { start, end };
}
