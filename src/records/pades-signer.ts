/**
 * A PAdES baseline B-B signer for @signpdf: a detached CMS SignedData (SubFilter
 * ETSI.CAdES.detached) whose signed attributes are content-type, message-digest and the ESS
 * signing-certificate-v2 that binds the signature to the school's certificate (ETSI EN 319 142-1,
 * 6.3: B-B). @signpdf's own P12Signer makes `adbe.pkcs7.detached` with signing-time and no
 * signing-certificate-v2, which PAdES forbids and requires respectively; node-forge cannot add
 * an attribute it does not know, so the SignedData is assembled here with forge's ASN.1 and the
 * signing time lives only in the signature dictionary's /M, as PAdES asks.
 */
import { createHash } from 'node:crypto';
import forge from 'node-forge';
import { Signer } from '@signpdf/utils';

const { asn1, pki } = forge;
const U = asn1.Class.UNIVERSAL;
const T = asn1.Type;

const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  sha256: '2.16.840.1.101.3.4.2.1',
  rsaEncryption: '1.2.840.113549.1.1.1',
};

const oid = (o: string) => asn1.create(U, T.OID, false, asn1.oidToDer(o).getBytes());
const seq = (items: forge.asn1.Asn1[]) => asn1.create(U, T.SEQUENCE, true, items);
const set = (items: forge.asn1.Asn1[]) => asn1.create(U, T.SET, true, items);
const octets = (bytes: string) => asn1.create(U, T.OCTETSTRING, false, bytes);
const int = (n: number) => asn1.create(U, T.INTEGER, false, asn1.integerToDer(n).getBytes());
const serial = (hex: string) => asn1.create(U, T.INTEGER, false, forge.util.hexToBytes(hex.length % 2 ? `0${hex}` : hex));
const sha256Id = () => seq([oid(OID.sha256)]);
const der = (a: forge.asn1.Asn1) => asn1.toDer(a).getBytes();
const sha256 = (binary: string) => createHash('sha256').update(Buffer.from(binary, 'binary')).digest('binary');
const attribute = (type: string, value: forge.asn1.Asn1) => seq([oid(type), set([value])]);

export interface P12Identity {
  key: forge.pki.rsa.PrivateKey;
  certificate: forge.pki.Certificate;
  chain: forge.pki.Certificate[];
}

/** The private key and its certificate (plus any others in the file) out of a P12. */
export function identityOfP12(p12: Buffer, passphrase: string): P12Identity {
  const store = forge.pkcs12.pkcs12FromAsn1(asn1.fromDer(p12.toString('binary')), false, passphrase);
  const key = store.getBags({ bagType: pki.oids.pkcs8ShroudedKeyBag! })[pki.oids.pkcs8ShroudedKeyBag!]?.[0]?.key as forge.pki.rsa.PrivateKey | undefined;
  const certs = (store.getBags({ bagType: pki.oids.certBag! })[pki.oids.certBag!] ?? []).map((b) => b.cert!).filter(Boolean);
  const certificate = certs.find((c) => {
    const pub = c.publicKey as forge.pki.rsa.PublicKey;
    return key !== undefined && pub.n.compareTo(key.n) === 0 && pub.e.compareTo(key.e) === 0;
  });
  if (!key || !certificate) throw new Error('the P12 holds no RSA key with its certificate');
  return { key, certificate, chain: certs.filter((c) => c !== certificate) };
}

export class PadesSigner extends Signer {
  constructor(private readonly identity: P12Identity) {
    super();
  }

  override async sign(pdfBuffer: Buffer): Promise<Buffer> {
    const { key, certificate, chain } = this.identity;
    const certDer = der(pki.certificateToAsn1(certificate));
    const issuer = pki.distinguishedNameToAsn1(certificate.issuer);
    // ESSCertIDv2 with the default hash (SHA-256, so no AlgorithmIdentifier) and IssuerSerial
    const essCertId = seq([octets(sha256(certDer)), seq([seq([asn1.create(asn1.Class.CONTEXT_SPECIFIC, 4, true, [issuer])]), serial(certificate.serialNumber)])]);
    const attrs = [
      attribute(OID.contentType, oid(OID.data)),
      attribute(OID.messageDigest, octets(sha256(pdfBuffer.toString('binary')))),
      attribute(OID.signingCertificateV2, seq([seq([essCertId])])),
    ].sort((a, b) => Buffer.compare(Buffer.from(der(a), 'binary'), Buffer.from(der(b), 'binary'))); // DER orders a SET OF
    // the signature covers the attributes DER-encoded as a SET; they travel as [0] IMPLICIT
    const md = forge.md.sha256.create();
    md.update(der(set(attrs)));
    const signature = key.sign(md);
    const signerInfo = seq([
      int(1),
      seq([issuer, serial(certificate.serialNumber)]),
      sha256Id(),
      asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, attrs),
      seq([oid(OID.rsaEncryption), asn1.create(U, T.NULL, false, '')]),
      octets(signature),
    ]);
    const signedData = seq([
      int(1),
      set([sha256Id()]),
      seq([oid(OID.data)]),
      asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [certificate, ...chain].map((c) => pki.certificateToAsn1(c))),
      set([signerInfo]),
    ]);
    const contentInfo = seq([oid(OID.signedData), asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [signedData])]);
    return Buffer.from(der(contentInfo), 'binary');
  }
}
