/**
 * The certified copy: one A4 page drawn as a picture at 150 dpi (texts through pango with Noto
 * Sans Khmer, core/render/fonts.ts, so Khmer is shaped; pdf-lib itself does not shape Khmer),
 * embedded in a PDF that also carries the record's bundle (canonical document + signatures) as
 * an attachment, for `npm run cli -- verify copy.pdf` offline. The page shows the school, the
 * student, the results, who signed as what and when, the verification code and a QR code to the
 * public verify page. Where the school has a P12, the PDF is also signed with it (pdf-seal.ts).
 */
import { PDFDocument } from 'pdf-lib';
import QRCode from 'qrcode';
import sharp from 'sharp';
import type { Locale } from '../core/db/schema.js';
import { localDigits } from '../core/i18n/index.js';
import { renderText, type TextStyle } from '../core/render/fonts.js';
import { embedPngData } from '../qr/render.js';
import type { RecordBundle } from './bundle.js';
import type { RecordDocument } from './canonical.js';
import { savedAndSealed, type PdfSeal } from './pdf-seal.js';
import { termText } from './term.js';

export const BUNDLE_ATTACHMENT = 'record.sis.json';
const DPI = 150;
const W = Math.round((210 / 25.4) * DPI);
const H = Math.round((297 / 25.4) * DPI);
const MARGIN = 110;
const pt = (points: number) => Math.round((points / 72) * DPI);

/** Labels in the reader's language (the office's), from the locale files. */
export type CopyLabels = (key: string, vars?: Record<string, string | number>) => string;

interface Placed {
  input: Buffer;
  left: number;
  top: number;
  raw?: { width: number; height: number; channels: 4 };
}

export async function renderCertifiedCopy(input: { bundle: RecordBundle; code: string; verifyUrl: string; issuedAt: string; label: CopyLabels; number: (n: number | null) => string; locale?: Locale; seal?: PdfSeal | null }): Promise<Buffer> {
  const doc = JSON.parse(input.bundle.canonical) as RecordDocument;
  const { label } = input;
  const locale = input.locale ?? 'km';
  // years, terms and times in the reader's digits (Khmer digits on a Khmer copy)
  const digits = (text: string) => localDigits(locale, text);
  const term = termText(locale, doc.term, (key) => label(key));
  const when = (iso: string) => digits(iso.slice(0, 16).replace('T', ' '));
  const months = new Intl.DateTimeFormat(locale === 'km' ? 'km-KH' : 'en', { month: 'short', timeZone: 'UTC' });
  /** a test as the reader names it: its month, "exam", "T1" */
  const testLabel = (code: string) => {
    const test = doc.tests?.find((x) => x.code === code);
    if (test?.kind === 'term') return label('records-term-short', { term: digits(code.slice(1)) });
    if (test?.month) return months.format(new Date(Date.UTC(2026, test.month - 1, 1)));
    if (test?.kind === 'exam') return label('records-copy-exam');
    return code;
  };
  const subjectName = (code: string) => {
    const s = doc.subjects.find((x) => x.subject === code);
    return (locale === 'en' ? s?.nameEn : s?.name) || s?.name || code;
  };
  const pieces: Placed[] = [];
  let y = MARGIN;
  const text = async (value: string, style: TextStyle, left: number, top: number) => {
    const p = await renderText(value, { ...style, maxWidth: style.maxWidth ?? W - left - MARGIN });
    pieces.push({ input: p.data, raw: { width: p.width, height: p.height, channels: 4 }, left: Math.round(left), top: Math.round(top) });
    return p;
  };
  const line = async (value: string, style: TextStyle, left = MARGIN) => {
    const p = await text(value, style, left, y);
    y += p.height + pt(2);
  };

  await line(doc.school.name, { size: pt(16), bold: true });
  await line(label('records-copy-title'), { size: pt(13), bold: true, color: '#1f3a93' });
  y += pt(6);
  await line(`${label('records-copy-student')}: ${doc.student.name}${doc.student.nameLatin ? ` (${doc.student.nameLatin})` : ''}`, { size: pt(11) });
  await line(`${label('records-copy-ids', { code: doc.student.code, id: doc.student.idCode })}`, { size: pt(10) });
  await line(label('records-copy-period', { year: digits(doc.year), term, className: doc.className, version: input.number(doc.version) }), { size: pt(10) });
  y += pt(8);

  // the results table: subject, each score, the subject's average
  const colSubject = MARGIN;
  const colScores = MARGIN + pt(190);
  const colAverage = W - MARGIN - pt(70);
  await text(label('records-copy-subject'), { size: pt(10), bold: true }, colSubject, y);
  await text(label('records-copy-scores'), { size: pt(10), bold: true }, colScores, y);
  const head = await text(label('records-copy-average'), { size: pt(10), bold: true }, colAverage, y);
  y += head.height + pt(3);
  const rules: Array<{ top: number }> = [{ top: y - pt(2) }];
  for (const s of doc.subjects) {
    const name = subjectName(s.subject);
    await text(s.max ? `${name} (/${input.number(s.max)})` : name, { size: pt(10), maxWidth: colScores - colSubject - pt(8) }, colSubject, y);
    const order = doc.tests?.map((x) => x.code) ?? [];
    const scores = Object.entries(s.scores)
      .sort(([a], [b]) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99))
      .map(([k, v]) => `${testLabel(k)} ${v === null ? label('records-absent-short') : input.number(v)}`)
      .join('   ');
    await text(scores || '—', { size: pt(10), maxWidth: colAverage - colScores - pt(8) }, colScores, y);
    const p = await text(input.number(s.average), { size: pt(10) }, colAverage, y);
    y += p.height + pt(1);
  }
  rules.push({ top: y });
  y += pt(6);
  await line(`${label('records-copy-overall', { average: `${input.number(doc.average)}${doc.scale ? ` / ${input.number(doc.scale)}` : ''}`, rank: input.number(doc.rank) })}${doc.letter ? ` · ${doc.letter}` : ''}`, { size: pt(11), bold: true });
  const a = doc.attendance;
  await line(label('records-copy-attendance', { present: input.number(a.present), absent: input.number(a.absent), excused: input.number(a.excused), late: input.number(a.late) }), { size: pt(10) });
  if (doc.conduct) await line(`${label('records-copy-conduct')}: ${doc.conduct}`, { size: pt(10) });
  if (doc.comments) await line(`${label('records-copy-comments')}: ${doc.comments}`, { size: pt(10) });
  await line(`${label('records-copy-rules')}: ${doc.rules}`, { size: pt(9), color: '#555555' });
  y += pt(8);

  await line(label('records-copy-signed-by'), { size: pt(11), bold: true });
  // one line per signer and role: a teacher who signed several subjects is named once
  const groups = new Map<string, { role: string; signer: string; at: string; scopes: string[] }>();
  for (const s of input.bundle.signatures) {
    const key = `${s.role}/${s.signerName}`;
    const g = groups.get(key) ?? { role: s.role, signer: s.signerName, at: s.signedAt, scopes: [] };
    if (s.role === 'teacher') g.scopes.push(subjectName(s.scope));
    if (s.signedAt > g.at) g.at = s.signedAt;
    groups.set(key, g);
  }
  for (const g of groups.values()) {
    await line(`• ${label(`records-role-${g.role}`)}: ${g.signer} — ${when(g.at)} UTC`, { size: pt(9) });
    if (g.scopes.length) await line(g.scopes.join(', '), { size: pt(8), color: '#555555' }, MARGIN + pt(12));
  }
  y += pt(10);

  // the code and the QR code, side by side at the foot
  const qrSize = pt(90);
  const qr = await QRCode.toBuffer(input.verifyUrl, { errorCorrectionLevel: 'M', margin: 0, width: qrSize });
  const footTop = Math.max(y, H - MARGIN - qrSize);
  pieces.push({ input: qr, left: MARGIN, top: footTop });
  const tx = MARGIN + qrSize + pt(14);
  let fy = footTop;
  for (const [value, style] of [
    [label('records-copy-code', { code: input.code }), { size: pt(13), bold: true }],
    [input.verifyUrl, { size: pt(9), color: '#1f3a93' }],
    [label('records-copy-hash', { hash: input.bundle.hash.slice(0, 32) }), { size: pt(8), color: '#555555' }],
    [label('records-copy-issued', { at: when(input.issuedAt) }), { size: pt(8), color: '#555555' }],
    [label('records-copy-how'), { size: pt(8), color: '#555555' }],
  ] as const) {
    const p = await text(value, style, tx, fy);
    fy += p.height + pt(2);
  }

  const lines = rules.map((r) => ({ input: { create: { width: W - 2 * MARGIN, height: 2, channels: 3 as const, background: '#999999' } }, left: MARGIN, top: r.top }));
  const png = await sharp({ create: { width: W, height: H, channels: 3, background: '#ffffff' } })
    .composite([...lines, ...pieces])
    .flatten({ background: '#ffffff' })
    .png({ compressionLevel: 6 })
    .toBuffer();

  const pdf = await PDFDocument.create();
  pdf.setTitle(`${label('records-copy-title')} — ${doc.student.code}`);
  pdf.setCreator('SIS');
  pdf.setProducer('SIS (pdf-lib)');
  pdf.setSubject(`verification code ${input.code}`);
  const page = pdf.addPage([595.28, 841.89]);
  const image = await embedPngData(pdf, png);
  page.drawImage(image, { x: 0, y: 0, width: 595.28, height: 841.89 });
  await pdf.attach(Buffer.from(JSON.stringify(input.bundle), 'utf8'), BUNDLE_ATTACHMENT, { mimeType: 'application/json', description: 'SIS signed record (canonical document and signatures)' });
  if (input.seal) return savedAndSealed(pdf, input.seal, { name: doc.school.name, location: doc.school.code, reason: `${label('records-copy-title')} — ${input.code}` });
  return Buffer.from(await pdf.save({ useObjectStreams: false }));
}
