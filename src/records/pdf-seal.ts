/**
 * The school's certificate on a certified copy: where a school's P12 is configured
 * (`RECORDS_P12_DIR/<SCHOOL-CODE>.p12`, passphrase `RECORDS_P12_PASSPHRASE`), the PDF gets a
 * digital signature over the whole file made with @signpdf (a pdf-lib placeholder, then a
 * detached PKCS#7 `adbe.pkcs7.detached` signature from the P12), so any PDF reader shows who
 * certified it and that nothing changed since. It is not PAdES baseline (B-B): @signpdf's P12
 * signer adds no ESS signing-certificate-v2 attribute. A school without a P12 still gets a copy
 * that verifies by its code and its attached bundle.
 *
 * `pdfSignatureOf` checks such a signature offline: the digest in the signature is that of the
 * signed byte ranges, and the signature over the signed attributes verifies with the certificate
 * it carries (whether that certificate is the school's is for the reader to trust).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pdflibAddPlaceholder } from '@signpdf/placeholder-pdf-lib';
import { P12Signer } from '@signpdf/signer-p12';
import { SignPdf } from '@signpdf/signpdf';
import forge from 'node-forge';
import type { PDFDocument } from 'pdf-lib';

export interface PdfSeal {
  p12: Buffer;
  passphrase: string;
}

/** The P12 configured for a school, or null (no directory, or no file for that school). */
export function sealOf(config: { dir?: string; passphrase?: string }, schoolCode: string): PdfSeal | null {
  if (!config.dir || !/^[A-Za-z0-9_-]{1,40}$/.test(schoolCode)) return null;
  const file = path.join(config.dir, `${schoolCode}.p12`);
  return existsSync(file) ? { p12: readFileSync(file), passphrase: config.passphrase ?? '' } : null;
}

/** Saves the PDF signed with the school's P12 (call after everything else is added to it). */
export async function savedAndSealed(pdf: PDFDocument, seal: PdfSeal, info: { name: string; location: string; reason: string }): Promise<Buffer> {
  pdflibAddPlaceholder({ pdfDoc: pdf, reason: info.reason, contactInfo: '', name: info.name, location: info.location, signatureLength: 16_384 });
  const bytes = Buffer.from(await pdf.save({ useObjectStreams: false }));
  return new SignPdf().sign(bytes, new P12Signer(seal.p12, { passphrase: seal.passphrase }));
}

export type PdfSignatureCheck = { present: false } | { present: true; ok: boolean; signer: string; problem?: 'digest' | 'signature' | 'malformed' | 'coverage' };

/** The PDF's signature (the last one), checked against the bytes it covers. */
export function pdfSignatureOf(bytes: Uint8Array): PdfSignatureCheck {
  const buf = Buffer.from(bytes);
  const text = buf.toString('latin1');
  const at = text.lastIndexOf('/ByteRange');
  if (at < 0) return { present: false };
  const m = /\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/.exec(text.slice(at, at + 200));
  if (!m) return { present: true, ok: false, signer: '', problem: 'malformed' };
  const [a, b, c, d] = m.slice(1).map(Number) as [number, number, number, number];
  // the two ranges must cover the whole file but the signature's own hex string
  if (a !== 0 || c + d !== buf.length || b >= c) return { present: true, ok: false, signer: '', problem: 'coverage' };
  const signed = Buffer.concat([buf.subarray(a, a + b), buf.subarray(c, c + d)]);
  const hex = buf.subarray(b + 1, c - 1).toString('latin1').replace(/0+$/, '');
  try {
    const der = forge.util.hexToBytes(hex.length % 2 ? `${hex}0` : hex);
    const p7 = forge.pkcs7.messageFromAsn1(forge.asn1.fromDer(der)) as forge.pkcs7.PkcsSignedData & { rawCapture: { authenticatedAttributes: forge.asn1.Asn1[]; signature: string } };
    const cert = p7.certificates[0]!;
    const signer = String(cert.subject.getField('CN')?.value ?? '');
    const attrs = p7.rawCapture.authenticatedAttributes;
    const digestAttr = attrs.find((attr) => forge.asn1.derToOid((attr.value as forge.asn1.Asn1[])[0]!.value as string) === forge.pki.oids.messageDigest!);
    const digest = ((digestAttr!.value as forge.asn1.Asn1[])[1]!.value as forge.asn1.Asn1[])[0]!.value as string;
    if (Buffer.from(digest, 'binary').toString('hex') !== createHash('sha256').update(signed).digest('hex')) return { present: true, ok: false, signer, problem: 'digest' };
    // the signature is over the DER of the signed attributes as a SET
    const set = forge.asn1.create(forge.asn1.Class.UNIVERSAL, forge.asn1.Type.SET, true, attrs);
    const md = forge.md.sha256.create();
    md.update(forge.asn1.toDer(set).getBytes());
    const ok = (cert.publicKey as forge.pki.rsa.PublicKey).verify(md.digest().bytes(), p7.rawCapture.signature);
    return ok ? { present: true, ok: true, signer } : { present: true, ok: false, signer, problem: 'signature' };
  } catch {
    return { present: true, ok: false, signer: '', problem: 'malformed' };
  }
}
