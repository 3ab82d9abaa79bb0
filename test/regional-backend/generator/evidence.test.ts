import { describe, expect, it } from 'vitest';
import { evidenceTokens, valueAppearsIn } from './evidence';
import { Rng } from './rng';
import { DATE_STYLES, PHONE_STYLES, ordinalWords, spokenDate, spokenDose, spokenPhone, yearWords } from './spoken';

describe('spoken forms', () => {
  it('says numbers the way callers do', () => {
    expect(yearWords(1982)).toBe('nineteen eighty-two');
    expect(yearWords(2005)).toBe('two thousand five');
    expect(ordinalWords(3)).toBe('third');
    expect(ordinalWords(21)).toBe('twenty-first');
    expect(ordinalWords(30)).toBe('thirtieth');
    expect(spokenPhone('+13125550142', 'words')).toBe('three one two, five five five, oh one four two');
    expect(spokenDate('1982-03-03', 'words')).toBe('March third, nineteen eighty-two');
  });
});

describe('valueAppearsIn', () => {
  it('finds an E.164 number in every spoken style', () => {
    for (const style of PHONE_STYLES) {
      const line = `You can reach me at ${spokenPhone('+13125550142', style)}. That's my cell.`;
      expect(valueAppearsIn('+13125550142', line), `${style}: ${line}`).toBe(true);
      expect(valueAppearsIn('+13125550124', line), `${style}: ${line}`).toBe(false);
    }
  });

  it('finds an ISO date in every spoken style', () => {
    for (const iso of ['1982-03-03', '1940-11-21', '2004-02-29', '1999-12-30']) {
      for (const style of DATE_STYLES) {
        const line = `Sure, ${spokenDate(iso, style)}.`;
        expect(valueAppearsIn(iso, line), `${style}: ${line}`).toBe(true);
        expect(valueAppearsIn('1982-03-04', line) && iso !== '1982-03-04', `${style}: ${line}`).toBe(false);
      }
    }
  });

  it('matches a date said without a year against any year', () => {
    expect(valueAppearsIn('2026-11-12', 'Could I come in on Thursday, November 12th? The morning works best.')).toBe(
      true,
    );
    expect(
      valueAppearsIn('2026-11-12', 'Do you have anything on Thursday the twelfth of November in the morning?'),
    ).toBe(true);
    expect(valueAppearsIn('2026-11-13', 'Could I come in on November twelfth?')).toBe(false);
  });

  it('normalises doses, units and street words', () => {
    const rng = new Rng(1);
    for (let i = 0; i < 20; i++)
      expect(valueAppearsIn('850 mg', `I'm taking Metformin, ${spokenDose('850 mg', rng)}, twice a day.`)).toBe(true);
    expect(valueAppearsIn('1000 mg', 'one thousand milligrams')).toBe(true);
    expect(valueAppearsIn('100 mg', 'one thousand milligrams')).toBe(false);
    expect(
      valueAppearsIn('412 Zq7PhiMarker Alder Lane', 'I just moved to four one two Zq7PhiMarker Alder Ln, Fairview.'),
    ).toBe(true);
    expect(
      valueAppearsIn('421 Zq7PhiMarker Alder Lane', 'I just moved to 412 Zq7PhiMarker Alder Lane, Fairview.'),
    ).toBe(false);
    expect(valueAppearsIn('B3H 4R2', 'The postal code is B3H 4R2.')).toBe(true);
    expect(valueAppearsIn('43125', 'It is 12 Zq7PhiMarker Mill Road, Fairview, PA four three one two five.')).toBe(
      true,
    );
  });

  it('is case and punctuation blind, and never matches an empty value', () => {
    expect(valueAppearsIn('Greenleaf Pharmacy', 'please send it to GREENLEAF pharmacy, on Birch Road')).toBe(true);
    expect(valueAppearsIn('Greenleaf', 'Greenleafs')).toBe(false);
    expect(valueAppearsIn('', 'anything')).toBe(false);
    expect(valueAppearsIn(null, 'anything')).toBe(false);
  });

  it('produces canonical tokens', () => {
    expect(evidenceTokens('(312) 555-0142')).toEqual(['3125550142']);
    expect(evidenceTokens('+1 312 555 0142')).toEqual(['3125550142']);
    expect(evidenceTokens('the third of March, nineteen eighty-two')).toEqual(['the', '1982-03-03']);
    expect(evidenceTokens('03/04/1982')).toEqual(['1982-03-04']);
    expect(evidenceTokens('twenty milligrams')).toEqual(['20', 'mg']);
  });
});
