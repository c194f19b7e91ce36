/**
 * The school's certificate on a certified copy: where a school's P12 is configured
 * (`RECORDS_P12_DIR/<SCHOOL-CODE>.p12`, passphrase `RECORDS_P12_PASSPHRASE`), the PDF gets a
 * digital signature over the whole file made with @signpdf (a pdf-lib placeholder with SubFilter
 * ETSI.CAdES.detached, then a PAdES baseline B-B CMS signature from the P12: pades-signer.ts), so
 * any PDF reader shows who certified it and that nothing changed since. A school without a P12
 * still gets a copy that verifies by its code and its attached bundle.
 *
 * `pdfSignatureOf` checks such a signature offline: the digest in the signature is that of the
 * signed byte ranges, the signature over the signed attributes verifies with the certificate it
 * carries, and a signed signing-certificate-v2 names that certificate (PAdES); whether that
 * certificate is the school's is for the reader to trust.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pdflibAddPlaceholder } from '@signpdf/placeholder-pdf-lib';
import { SignPdf } from '@signpdf/signpdf';
import { SUBFILTER_ETSI_CADES_DETACHED } from '@signpdf/utils';
import forge from 'node-forge';
import type { PDFDocument } from 'pdf-lib';
import { PadesSigner, identityOfP12 } from './pades-signer.js';

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
  const signer = new PadesSigner(identityOfP12(seal.p12, seal.passphrase));
  pdflibAddPlaceholder({ pdfDoc: pdf, reason: info.reason, contactInfo: '', name: info.name, location: info.location, signatureLength: 16_384, subFilter: SUBFILTER_ETSI_CADES_DETACHED });
  const bytes = Buffer.from(await pdf.save({ useObjectStreams: false }));
  return new SignPdf().sign(bytes, signer);
}

export type PdfSignatureCheck =
  | { present: false }
  | { present: true; ok: boolean; signer: string; problem?: 'digest' | 'signature' | 'malformed' | 'coverage' | 'certificate'; /** PAdES B-B: ETSI.CAdES.detached, bound to its certificate */ pades?: boolean };

const SIGNING_CERTIFICATE_V2 = '1.2.840.113549.1.9.16.2.47';

/** The first DER element of `bytes` (its tag, its length, its content), without what follows. */
function firstDerElement(bytes: Buffer): Buffer {
  const first = bytes[1]!;
  if (first < 0x80) return bytes.subarray(0, 2 + first);
  const n = first & 0x7f;
  if (n === 0 || n > 4) throw new Error('unsupported DER length');
  return bytes.subarray(0, 2 + n + bytes.readUIntBE(2, n));
}

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
  // the hex string is the CMS padded with zeros: read one DER element and ignore the padding
  // (stripping trailing zeros would also cut a signature that ends in a zero byte)
  const hex = buf.subarray(b + 1, c - 1).toString('latin1');
  try {
    const der = firstDerElement(Buffer.from(hex, 'hex')).toString('binary');
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
    if (!ok) return { present: true, ok: false, signer, problem: 'signature' };
    // PAdES: the signed signing-certificate-v2 names the certificate by its SHA-256 (ESSCertIDv2's first field)
    const essAttr = attrs.find((attr) => forge.asn1.derToOid((attr.value as forge.asn1.Asn1[])[0]!.value as string) === SIGNING_CERTIFICATE_V2);
    if (!essAttr) return { present: true, ok: true, signer, pades: false };
    const essCertId = (((((essAttr.value as forge.asn1.Asn1[])[1]!.value as forge.asn1.Asn1[])[0]!.value as forge.asn1.Asn1[])[0]!.value as forge.asn1.Asn1[])[0]!.value as forge.asn1.Asn1[])[0]!;
    const certHash = createHash('sha256').update(Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes(), 'binary')).digest('binary');
    if (essCertId.value !== certHash) return { present: true, ok: false, signer, problem: 'certificate' };
    return { present: true, ok: true, signer, pades: /\/SubFilter\s*\/ETSI\.CAdES\.detached/.test(text.slice(Math.max(0, at - 2000), at + 2000)) };
  } catch {
    return { present: true, ok: false, signer: '', problem: 'malformed' };
  }
}
