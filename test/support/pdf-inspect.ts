/**
 * A small, independent reader for the text PDFs Attest writes, for tests: it checks the
 * structure a PDF reader relies on (startxref → xref table → every object at its offset, the
 * catalog → page tree → pages, each content stream's /Length) and extracts the text of each
 * page in reading order. It throws on anything malformed.
 */

const WIN_ANSI_BACK: Readonly<Record<number, string>> = {
  0x80: '€',
  0x85: '…',
  0x91: '‘',
  0x92: '’',
  0x93: '“',
  0x94: '”',
  0x95: '•',
  0x96: '–',
  0x97: '—',
};

const objectBody = (doc: string, offsets: Map<number, number>, n: number): string => {
  const at = offsets.get(n);
  if (at === undefined) throw new Error(`pdf: object ${n} is not in the xref table`);
  const head = `${n} 0 obj\n`;
  if (!doc.startsWith(head, at)) throw new Error(`pdf: xref offset of object ${n} does not point at it`);
  const end = doc.indexOf('\nendobj\n', at);
  if (end < 0) throw new Error(`pdf: object ${n} has no endobj`);
  return doc.slice(at + head.length, end);
};

const refOf = (body: string, key: string): number => {
  const m = new RegExp(`/${key} (\\d+) 0 R`).exec(body);
  if (!m?.[1]) throw new Error(`pdf: no /${key} reference`);
  return Number(m[1]);
};

export interface PdfStructure {
  pageCount: number;
  /** Page object numbers in reading order. */
  pages: number[];
  offsets: Map<number, number>;
}

export const pdfStructure = (doc: string): PdfStructure => {
  if (!doc.startsWith('%PDF-1.')) throw new Error('pdf: no header');
  const tail = /startxref\n(\d+)\n%%EOF\n$/.exec(doc);
  if (!tail?.[1]) throw new Error('pdf: no startxref at the end');
  const xrefAt = Number(tail[1]);
  const xref = /^xref\n0 (\d+)\n/.exec(doc.slice(xrefAt));
  if (!xref?.[1]) throw new Error('pdf: startxref does not point at an xref table');
  const size = Number(xref[1]);
  const offsets = new Map<number, number>();
  let at = xrefAt + xref[0].length;
  for (let n = 0; n < size; n++) {
    const entry = doc.slice(at, at + 20);
    const m = /^(\d{10}) (\d{5}) ([nf]) \n$/.exec(entry);
    if (!m) throw new Error(`pdf: xref entry ${n} is not 20 bytes of "offset gen n"`);
    if (m[3] === 'n') offsets.set(n, Number(m[1]));
    at += 20;
  }
  const trailer = doc.slice(at);
  if (!trailer.startsWith('trailer\n')) throw new Error('pdf: no trailer after the xref table');
  if (!new RegExp(`/Size ${size}\\b`).test(trailer)) throw new Error('pdf: trailer /Size does not match');
  for (const n of offsets.keys()) objectBody(doc, offsets, n);
  const catalog = objectBody(doc, offsets, refOf(trailer, 'Root'));
  if (!catalog.includes('/Type /Catalog')) throw new Error('pdf: root is not a catalog');
  const tree = objectBody(doc, offsets, refOf(catalog, 'Pages'));
  const kids = /\/Kids \[([^\]]*)\]/.exec(tree)?.[1] ?? '';
  const pages = [...kids.matchAll(/(\d+) 0 R/g)].map((m) => Number(m[1]));
  const count = Number(/\/Count (\d+)/.exec(tree)?.[1] ?? -1);
  if (count !== pages.length) throw new Error('pdf: /Count does not match /Kids');
  for (const p of pages) {
    const page = objectBody(doc, offsets, p);
    if (!page.includes('/Type /Page ')) throw new Error(`pdf: kid ${p} is not a page`);
    const content = objectBody(doc, offsets, refOf(page, 'Contents'));
    const length = Number(/\/Length (\d+)/.exec(content)?.[1] ?? -1);
    const stream = /stream\n([\s\S]*)endstream$/.exec(content)?.[1];
    if (stream === undefined || stream.length !== length) throw new Error(`pdf: page ${p} stream length is wrong`);
  }
  return { pageCount: count, pages, offsets };
};

const unescape = (s: string): string =>
  s.replace(/\\([0-7]{3}|[\\()])/g, (_m, esc: string) => {
    if (esc.length === 1) return esc;
    const code = parseInt(esc, 8);
    return WIN_ANSI_BACK[code] ?? String.fromCharCode(code);
  });

/** Every text line (Tj operand) of every page, in reading order. */
export const pdfText = (doc: string): string[] => {
  const { pages, offsets } = pdfStructure(doc);
  const lines: string[] = [];
  for (const p of pages) {
    const content = objectBody(doc, offsets, refOf(objectBody(doc, offsets, p), 'Contents'));
    for (const m of content.matchAll(/\(((?:\\[0-7]{3}|\\[\\()]|[^\\()])*)\) Tj/g)) lines.push(unescape(m[1] ?? ''));
  }
  return lines;
};
