/**
 * A minimal PDF 1.4 writer for text reports: the standard Helvetica fonts (nothing embedded),
 * lines wrapped to the page, pages written as they fill, and a correct cross-reference table.
 *
 * Why our own and not Chromium's print: the export is produced by the workspace server, which
 * runs without Chromium in browser mode and in tests, must stream a large report without holding
 * it, and must be byte-for-byte reproducible from its inputs. A text-only PDF needs ~200 lines.
 *
 * The output is 7-bit ASCII (non-ASCII text is written as octal escapes in WinAnsiEncoding), so
 * byte offsets equal string offsets and the file travels safely as text. Pages stream out in
 * order; "front" pages (a cover written once the totals are known) are emitted last in the file
 * but listed first in the page tree, which is what sets the reading order.
 */

const PAGE_WIDTH = 612; // US Letter, points
const PAGE_HEIGHT = 792;
const MARGIN = 40;
const FOOTER_Y = 22;

// Helvetica advance widths (1/1000 em) for ASCII 32–126, from the standard AFM metrics.
// prettier-ignore
const HELVETICA_WIDTHS = [
  278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556,
  556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833,
  722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556,
  556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334,
  260, 334, 584,
];
/** Bold glyphs are wider; wrapping with a margin keeps bold lines inside the page. */
const BOLD_FACTOR = 1.1;

/** WinAnsiEncoding codes for the few non-Latin-1 characters reports use. */
const WIN_ANSI_EXTRA: Readonly<Record<string, number>> = {
  '€': 0x80,
  '…': 0x85,
  '‘': 0x91,
  '’': 0x92,
  '“': 0x93,
  '”': 0x94,
  '•': 0x95,
  '–': 0x96,
  '—': 0x97,
  '×': 0xd7,
};

const charWidth = (ch: string): number => {
  const code = ch.charCodeAt(0);
  return code >= 32 && code <= 126 ? (HELVETICA_WIDTHS[code - 32] ?? 556) : 556;
};

export const textWidth = (text: string, size: number, bold = false): number => {
  let units = 0;
  for (const ch of text) units += charWidth(ch);
  return (units * size * (bold ? BOLD_FACTOR : 1)) / 1000;
};

/** A PDF literal string's body: ASCII as is, `\ ( )` escaped, the rest as WinAnsi octal or "?". */
export const pdfString = (text: string): string => {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 63;
    if (ch === '\\' || ch === '(' || ch === ')') out += `\\${ch}`;
    else if (code >= 32 && code <= 126) out += ch;
    else if (code < 32 || code === 127) out += ' ';
    else {
      const win = WIN_ANSI_EXTRA[ch] ?? (code >= 0xa0 && code <= 0xff ? code : null);
      out += win === null ? '?' : `\\${win.toString(8).padStart(3, '0')}`;
    }
  }
  return out;
};

/** Splits text into lines no wider than `width` points, breaking at spaces where it can. */
export const wrapText = (text: string, size: number, width: number, bold = false): string[] => {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(' ')) {
      const candidate = line === '' ? word : `${line} ${word}`;
      if (textWidth(candidate, size, bold) <= width) {
        line = candidate;
        continue;
      }
      if (line !== '') lines.push(line);
      // A single word wider than the line is cut character by character.
      let rest = word;
      while (textWidth(rest, size, bold) > width) {
        let cut = 1;
        while (cut < rest.length && textWidth(rest.slice(0, cut + 1), size, bold) <= width) cut++;
        lines.push(rest.slice(0, cut));
        rest = rest.slice(cut);
      }
      line = rest;
    }
    lines.push(line);
  }
  return lines;
};

export interface PdfLine {
  text: string;
  size?: number;
  bold?: boolean;
  /** Extra space above, in points. */
  gap?: number;
}

interface PageContent {
  ops: string[];
}

export interface PdfWriterOptions {
  title: string;
  /** Footer text on every body page (page numbers are added). */
  footer: string;
  /** PDF date of creation, e.g. new Date(). */
  createdAt: Date;
}

const pdfDate = (d: Date): string => `D:${d.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;

/**
 * Streams a text PDF. Call `line()` for body text, `frontPage()` for pages that go first,
 * `take()` whenever convenient to collect the bytes written so far, and `finish()` once.
 */
export class PdfWriter {
  private out: string[] = [];
  private offset = 0;
  private readonly offsets: number[] = [];
  private readonly bodyPages: number[] = [];
  private readonly frontPages: number[] = [];
  private page: PageContent | null = null;
  private y = 0;
  private finished = false;
  private nextObject = 6; // 1 catalog, 2 page tree, 3–4 fonts, 5 info

  constructor(private readonly opts: PdfWriterOptions) {
    this.emit('%PDF-1.4\n');
    this.object(3, '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>');
    this.object(4, '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>');
  }

  private emit(text: string): void {
    this.out.push(text);
    this.offset += text.length;
  }

  private object(n: number, body: string): void {
    this.offsets[n] = this.offset;
    this.emit(`${n} 0 obj\n${body}\nendobj\n`);
  }

  /** Writes a page (content stream + page object) and answers the page object's number. */
  private writePage(content: PageContent, footer: string | null): number {
    const ops = [...content.ops];
    if (footer !== null) {
      ops.push(`BT /F1 7 Tf ${MARGIN} ${FOOTER_Y} Td (${pdfString(footer)}) Tj ET`);
    }
    const stream = `${ops.join('\n')}\n`;
    const contentNo = this.nextObject++;
    const pageNo = this.nextObject++;
    this.object(contentNo, `<< /Length ${stream.length} >>\nstream\n${stream}endstream`);
    this.object(
      pageNo,
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${PAGE_WIDTH} ${PAGE_HEIGHT}] ` +
        `/Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents ${contentNo} 0 R >>`,
    );
    return pageNo;
  }

  private flushBodyPage(): void {
    if (this.page === null) return;
    const number = this.bodyPages.length + 1;
    this.bodyPages.push(this.writePage(this.page, `${this.opts.footer} · page ${number}`));
    this.page = null;
  }

  private placeLines(y: number, line: PdfLine): { ops: string[]; y: number; overflow: boolean } {
    const size = line.size ?? 8;
    const leading = size * 1.3;
    const bold = line.bold ?? false;
    const ops: string[] = [];
    let at = y - (line.gap ?? 0);
    for (const piece of wrapText(line.text, size, PAGE_WIDTH - 2 * MARGIN, bold)) {
      at -= leading;
      if (at < FOOTER_Y + 16) return { ops, y: at, overflow: true };
      ops.push(`BT /${bold ? 'F2' : 'F1'} ${size} Tf ${MARGIN} ${at.toFixed(2)} Td (${pdfString(piece)}) Tj ET`);
    }
    return { ops, y: at, overflow: false };
  }

  /** Appends body text, starting a new page when the current one is full. */
  line(line: PdfLine): void {
    if (this.finished) throw new Error('PdfWriter: already finished');
    if (this.page === null) {
      this.page = { ops: [] };
      this.y = PAGE_HEIGHT - MARGIN;
    }
    const placed = this.placeLines(this.y, line);
    if (!placed.overflow) {
      this.page.ops.push(...placed.ops);
      this.y = placed.y;
      return;
    }
    // Does not fit: the whole line starts the next page (a line is never split across pages
    // unless it is longer than a page, in which case it is cut).
    if (this.page.ops.length > 0) {
      this.flushBodyPage();
      this.line(line);
      return;
    }
    this.page.ops.push(...placed.ops);
    this.flushBodyPage();
  }

  /** A page listed before every body page (in the order added), e.g. a cover with totals. */
  frontPage(lines: readonly PdfLine[]): void {
    const content: PageContent = { ops: [] };
    let y = PAGE_HEIGHT - MARGIN;
    for (const line of lines) {
      const placed = this.placeLines(y, line);
      content.ops.push(...placed.ops);
      y = placed.y;
      if (placed.overflow) break;
    }
    this.frontPages.push(this.writePage(content, this.opts.footer));
  }

  /** The bytes written since the last call. */
  take(): string {
    const text = this.out.join('');
    this.out = [];
    return text;
  }

  get pageCount(): number {
    return this.bodyPages.length + this.frontPages.length + (this.page === null ? 0 : 1);
  }

  /** Closes the document: page tree, catalog, info, cross-reference table and trailer. */
  finish(): string {
    if (this.finished) throw new Error('PdfWriter: already finished');
    this.flushBodyPage();
    const kids = [...this.frontPages, ...this.bodyPages];
    if (kids.length === 0) this.frontPages.push(this.writePage({ ops: [] }, this.opts.footer));
    const all = [...this.frontPages, ...this.bodyPages];
    this.object(2, `<< /Type /Pages /Kids [${all.map((n) => `${n} 0 R`).join(' ')}] /Count ${all.length} >>`);
    this.object(1, '<< /Type /Catalog /Pages 2 0 R >>');
    this.object(
      5,
      `<< /Title (${pdfString(this.opts.title)}) /Producer (Attest) /CreationDate (${pdfDate(this.opts.createdAt)}) >>`,
    );
    const size = this.nextObject;
    const xrefAt = this.offset;
    let xref = `xref\n0 ${size}\n0000000000 65535 f \n`;
    for (let n = 1; n < size; n++) {
      const at = this.offsets[n];
      if (at === undefined) throw new Error(`PdfWriter: object ${n} was never written`);
      xref += `${String(at).padStart(10, '0')} 00000 n \n`;
    }
    this.emit(`${xref}trailer\n<< /Size ${size} /Root 1 0 R /Info 5 0 R >>\nstartxref\n${xrefAt}\n%%EOF\n`);
    this.finished = true;
    return this.take();
  }
}
