/**
 * How callers say numbers, phone numbers and dates. Speech-to-text output mixes digits and words
 * ("five five five, oh one two three", "March third, nineteen eighty-two"), so transcripts vary the
 * surface form while the extracted value stays canonical (E.164, ISO dates). evidence.ts undoes
 * exactly these forms when it looks for a value in a transcript.
 */
import type { Rng } from './rng';
import { MONTH_NAMES, WEEKDAY_NAMES } from './vocab';

const ONES: readonly string[] = [
  'zero',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'ten',
  'eleven',
  'twelve',
  'thirteen',
  'fourteen',
  'fifteen',
  'sixteen',
  'seventeen',
  'eighteen',
  'nineteen',
];
const TENS: readonly string[] = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
const ORDINAL_ONES: readonly string[] = [
  '',
  'first',
  'second',
  'third',
  'fourth',
  'fifth',
  'sixth',
  'seventh',
  'eighth',
  'ninth',
  'tenth',
  'eleventh',
  'twelfth',
  'thirteenth',
  'fourteenth',
  'fifteenth',
  'sixteenth',
  'seventeenth',
  'eighteenth',
  'nineteenth',
];

const at = (list: readonly string[], i: number): string => list[i] ?? '';

/** 0 … 999 999 in words, US style without "and": 850 → "eight hundred fifty". */
export function numberWords(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n > 999_999) throw new Error(`numberWords: out of range ${n}`);
  if (n < 20) return at(ONES, n);
  if (n < 100) return at(TENS, Math.floor(n / 10)) + (n % 10 ? `-${at(ONES, n % 10)}` : '');
  if (n < 1000) return `${at(ONES, Math.floor(n / 100))} hundred${n % 100 ? ` ${numberWords(n % 100)}` : ''}`;
  return `${numberWords(Math.floor(n / 1000))} thousand${n % 1000 ? ` ${numberWords(n % 1000)}` : ''}`;
}

/** 1 … 31 as an ordinal word: 3 → "third", 21 → "twenty-first". */
export function ordinalWords(n: number): string {
  if (n < 20) return at(ORDINAL_ONES, n);
  if (n % 10 === 0) return `${at(TENS, n / 10).slice(0, -1)}ieth`;
  return `${at(TENS, Math.floor(n / 10))}-${at(ORDINAL_ONES, n % 10)}`;
}

/** 3 → "3rd". */
export function ordinalDigits(n: number): string {
  const rem100 = n % 100;
  const suffix = rem100 >= 11 && rem100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}

/** How a year is said: 1982 → "nineteen eighty-two", 2005 → "two thousand five". */
export function yearWords(year: number): string {
  if (year >= 2000 && year < 2010) return numberWords(year);
  const hi = Math.floor(year / 100);
  const lo = year % 100;
  if (lo === 0) return `${numberWords(hi)} hundred`;
  return `${numberWords(hi)} ${lo < 10 ? `oh ${at(ONES, lo)}` : numberWords(lo)}`;
}

/** "0142" → "oh one four two" (or "zero one four two"). */
export function digitWords(digits: string, zero: 'oh' | 'zero' = 'oh'): string {
  return [...digits].map((d) => (d === '0' ? zero : at(ONES, Number(d)))).join(' ');
}

export const PHONE_STYLES = ['paren', 'dashed', 'words', 'mixed', 'spaced'] as const;
export type PhoneStyle = (typeof PHONE_STYLES)[number];

/** A North American E.164 number (+1NXXNXXXXXX) the way a caller says it. */
export function spokenPhone(e164: string, style: PhoneStyle): string {
  const national = e164.replace(/\D/g, '').slice(-10);
  const a = national.slice(0, 3);
  const b = national.slice(3, 6);
  const c = national.slice(6);
  switch (style) {
    case 'paren':
      return `(${a}) ${b}-${c}`;
    case 'dashed':
      return `${a}-${b}-${c}`;
    case 'words':
      return `${digitWords(a)}, ${digitWords(b)}, ${digitWords(c)}`;
    case 'mixed':
      return `${a}, ${digitWords(b)}, ${digitWords(c, 'zero')}`;
    case 'spaced':
      return `${a} ${b} ${c}`;
  }
}

export const DATE_STYLES = ['words', 'ordinal-digits', 'numeric', 'day-of', 'plain'] as const;
export type DateStyle = (typeof DATE_STYLES)[number];

const parts = (iso: string): [number, number, number] => {
  const [y, m, d] = iso.split('-').map(Number);
  return [y ?? 0, m ?? 1, d ?? 1];
};

/** A full date (a date of birth) as said: "March third, nineteen eighty-two", "03/03/1982", … */
export function spokenDate(iso: string, style: DateStyle): string {
  const [y, m, d] = parts(iso);
  const month = at(MONTH_NAMES, m - 1);
  switch (style) {
    case 'words':
      return `${month} ${ordinalWords(d)}, ${yearWords(y)}`;
    case 'ordinal-digits':
      return `${month} ${ordinalDigits(d)}, ${y}`;
    case 'numeric':
      return `${String(m).padStart(2, '0')}/${String(d).padStart(2, '0')}/${y}`;
    case 'day-of':
      return `the ${ordinalWords(d)} of ${month}, ${yearWords(y)}`;
    case 'plain':
      return `${month} ${d}, ${y}`;
  }
}

/** A near-future day without the year, as people ask for appointments: "Thursday, November twelfth". */
export function spokenDayOfYear(iso: string, rng: Rng): string {
  const [y, m, d] = parts(iso);
  const month = at(MONTH_NAMES, m - 1);
  const weekday = at(WEEKDAY_NAMES, new Date(Date.UTC(y, m - 1, d)).getUTCDay());
  return rng.pick([
    `${month} ${ordinalWords(d)}`,
    `${weekday}, ${month} ${ordinalDigits(d)}`,
    `${weekday} the ${ordinalWords(d)} of ${month}`,
    `${month} ${d}`,
  ]);
}

/** A dose such as "20 mg" said as "twenty milligrams" or left as written. */
export function spokenDose(dose: string, rng: Rng): string {
  const match = /^(\d+) (mg|mcg)$/.exec(dose);
  if (!match) return dose;
  const amount = Number(match[1]);
  const unit = match[2] === 'mg' ? 'milligrams' : 'micrograms';
  return rng.weighted<string>([
    [`${numberWords(amount)} ${unit}`, 4],
    [`${amount} ${unit}`, 3],
    [dose, 2],
  ]);
}

/** A house number said digit by digit ("four one two") or as written. */
export function spokenHouseNumber(n: string, rng: Rng): string {
  return rng.chance(0.25) ? digitWords(n) : n;
}

/** A postal code said digit by digit where it is all digits, else as written. */
export function spokenPostalCode(code: string, rng: Rng): string {
  return /^\d+$/.test(code) && rng.chance(0.4) ? digitWords(code) : code;
}
