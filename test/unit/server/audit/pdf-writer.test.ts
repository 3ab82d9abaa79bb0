/**
 * The text PDF writer: a structurally valid PDF 1.4 (every xref offset lands on its object,
 * startxref on the table, the page tree counts its pages in reading order), text escaped and
 * encoded, lines wrapped within the page and paginated.
 */
import { describe, expect, it } from 'vitest';
import { PdfWriter, pdfString, textWidth, wrapText } from '../../../../electron/server/modules/audit/export/pdf-writer';
import { pdfStructure, pdfText } from '../../../support/pdf-inspect';

const write = (lines: string[], front?: string[]): string => {
  const pdf = new PdfWriter({
    title: 'Test (report)',
    footer: 'Attest test',
    createdAt: new Date('2026-10-01T12:00:00Z'),
  });
  let out = '';
  for (const text of lines) {
    pdf.line({ text });
    out += pdf.take();
  }
  if (front) pdf.frontPage(front.map((text) => ({ text, size: 12 })));
  return out + pdf.finish();
};

describe('PdfWriter', () => {
  it('writes a valid document whose cross-reference table points at every object', () => {
    const doc = write(['first line', 'second line']);
    const s = pdfStructure(doc);
    expect(doc.startsWith('%PDF-1.4\n')).toBe(true);
    expect(doc.endsWith('%%EOF\n')).toBe(true);
    expect(s.pageCount).toBe(1);
    expect(s.pages.length).toBe(1);
    expect(pdfText(doc)).toEqual(['first line', 'second line', 'Attest test · page 1']);
    // 7-bit ASCII throughout: byte offsets are string offsets.
    expect([...doc].every((ch) => ch.charCodeAt(0) < 128)).toBe(true);
  });

  it('paginates long listings and lists front pages first', () => {
    const rows = Array.from({ length: 200 }, (_, i) => `row ${i + 1}`);
    const doc = write(rows, ['COVER', 'sha256: abc']);
    const s = pdfStructure(doc);
    expect(s.pageCount).toBe(s.pages.length);
    expect(s.pageCount).toBeGreaterThan(2);
    const text = pdfText(doc);
    expect(text[0]).toBe('COVER');
    // Every row is there, in order, once.
    const listed = text.filter((t) => t.startsWith('row '));
    expect(listed).toEqual(rows);
    expect(text.filter((t) => t.startsWith('Attest test · page ')).length).toBe(s.pageCount - 1);
  });

  it('escapes PDF string syntax and encodes non-ASCII text as WinAnsi', () => {
    expect(pdfString('a (b) \\ c')).toBe('a \\(b\\) \\\\ c');
    expect(pdfString('Müller – 5 €')).toBe('M\\374ller \\226 5 \\200');
    expect(pdfString('名前\u0007')).toBe('?? ');
    const doc = write(['Müller (Zq7) – ok']);
    expect(pdfText(doc)[0]).toBe('Müller (Zq7) – ok');
  });

  it('wraps within the printable width, cutting a word longer than a line', () => {
    const long = `${'word '.repeat(60)}${'x'.repeat(300)}`;
    const lines = wrapText(long, 8, 532);
    for (const line of lines) expect(textWidth(line, 8)).toBeLessThanOrEqual(532);
    expect(lines.join(' ').replace(/\s+/g, '')).toBe(long.replace(/\s+/g, ''));
  });

  it('writes an empty document as one blank page', () => {
    const pdf = new PdfWriter({ title: 't', footer: 'f', createdAt: new Date(0) });
    expect(pdfStructure(pdf.finish()).pageCount).toBe(1);
  });
});
