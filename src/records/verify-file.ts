/**
 * Offline verification of a certified copy (PDF) or an exported record file: no database, no
 * network. The PDF's attached bundle is checked (hash, every signature, the signatures a locked
 * record needs); optionally against published keys (/keys saved as a file).
 */
import { decodePDFRawStream, PDFArray, PDFDict, PDFDocument, PDFName, PDFRawStream, PDFString, PDFHexString } from 'pdf-lib';
import { checkBundle, type BundleCheck } from './bundle.js';
import { pdfSignatureOf, type PdfSignatureCheck } from './pdf-seal.js';
import { BUNDLE_ATTACHMENT } from './render.js';

/** The bundle attached to a certified copy, or null when there is none or the PDF is unreadable. */
export async function bundleFromPdf(bytes: Uint8Array): Promise<unknown> {
  let pdf: PDFDocument;
  try {
    pdf = await PDFDocument.load(bytes, { updateMetadata: false, throwOnInvalidObject: false });
  } catch {
    return null;
  }
  const names = pdf.catalog.lookupMaybe(PDFName.of('Names'), PDFDict);
  const embedded = names?.lookupMaybe(PDFName.of('EmbeddedFiles'), PDFDict);
  const list = embedded?.lookupMaybe(PDFName.of('Names'), PDFArray);
  if (!list) return null;
  for (let i = 0; i + 1 < list.size(); i += 2) {
    const name = list.lookup(i);
    const title = name instanceof PDFString || name instanceof PDFHexString ? name.decodeText() : '';
    if (title !== BUNDLE_ATTACHMENT) continue;
    const spec = list.lookup(i + 1, PDFDict);
    const stream = spec.lookupMaybe(PDFName.of('EF'), PDFDict)?.lookup(PDFName.of('F'));
    if (!(stream instanceof PDFRawStream)) return null;
    try {
      return JSON.parse(Buffer.from(decodePDFRawStream(stream).decode()).toString('utf8'));
    } catch {
      return null;
    }
  }
  return null;
}

export type FileKind = 'pdf' | 'export' | 'unknown';

export interface FileCheck {
  kind: FileKind;
  records: BundleCheck[];
  /** a certified copy's own PDF signature (the school's P12), when it has one */
  pdfSignature?: PdfSignatureCheck;
}

/** Checks a certified copy or a transfer export; `trusted` maps key id → public key. */
export async function verifyFile(bytes: Uint8Array, trusted?: ReadonlyMap<string, string>): Promise<FileCheck> {
  if (Buffer.from(bytes.subarray(0, 5)).toString('latin1') === '%PDF-') {
    const bundle = await bundleFromPdf(bytes);
    return { kind: 'pdf', records: [checkBundle(bundle, trusted)], pdfSignature: pdfSignatureOf(bytes) };
  }
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    return { kind: 'unknown', records: [] };
  }
  const records = (json as { records?: unknown }).records;
  if ((json as { format?: unknown }).format === 'sis-record-transfer/1' && Array.isArray(records)) return { kind: 'export', records: records.map((r) => checkBundle(r, trusted)) };
  if ((json as { format?: unknown }).format === 'sis-record-bundle/1') return { kind: 'export', records: [checkBundle(json, trusted)] };
  return { kind: 'unknown', records: [] };
}
