/**
 * PAdES signatures of PDF letters (census TR-23/TR-26): a CMS detached signature (SubFilter
 * ETSI.CAdES.detached, SHA-256, RSA PKCS#1 v1.5, signed attributes contentType, signingTime,
 * messageDigest) made with a PKCS#12 (certificate + key) per signer.
 *
 * Each signature is an incremental update appended to the file (@signpdf/placeholder-plain):
 * signing an already signed PDF adds a second signature field and leaves the bytes covered by
 * the first signature untouched, so both verify (poppler `pdfsig` reports each one valid).
 *
 * The PKCS#12 is decrypted once per signer (not per PDF): @signpdf's P12Signer re-reads it on
 * every signature and cannot be reused, so the CMS is built here with node-forge like it does.
 *
 * @example
 *   const signer = openPadesSigner(readFileSync('u-alderman.p12'), 'secret');
 *   const signed = await signer.sign(pdf, { reason: 'Approbation', location: 'Bruxelles' });
 */
import { constants, createPrivateKey, KeyObject, privateEncrypt } from 'node:crypto';
import forge from 'node-forge';
import { plainAddPlaceholder } from '@signpdf/placeholder-plain';
import signpdf, { Signer } from '@signpdf/signpdf';

export const PADES_SUBFILTER = 'ETSI.CAdES.detached';

export interface SignOptions {
  reason: string;
  location: string;
  contactInfo?: string;
  signingTime?: Date;
}

export interface PadesSigner {
  /** The certificate's common name (shown by PDF readers as the signer). */
  readonly commonName: string;
  sign(pdf: Buffer, options: SignOptions): Promise<Buffer>;
}

/** Raised for a PDF that cannot be signed (not a PDF, damaged cross-reference table…) or a bad PKCS#12. */
export class PdfSignatureError extends Error {}

/** DigestInfo prefix of a SHA-256 hash (RFC 8017 §9.2), for RSASSA-PKCS1-v1_5. */
const SHA256_DIGEST_INFO = Buffer.from('3031300d060960864801650304020105000420', 'hex');

/** What forge calls to sign (pkcs7 signers, cert.sign): `key.sign(md)` with a SHA-256 message digest. */
export interface ForgeSigningKey {
  sign(md: forge.md.MessageDigest): string;
}

/**
 * An RSA key that signs with Node's native crypto where forge would sign in JavaScript
 * (RSASSA-PKCS1-v1_5 over SHA-256: about 1 ms instead of tens): same bytes, much faster.
 */
export function nativeRsaSigningKey(key: forge.pki.rsa.PrivateKey | KeyObject): ForgeSigningKey & forge.pki.rsa.PrivateKey {
  const native = key instanceof KeyObject ? key : createPrivateKey(forge.pki.privateKeyToPem(key));
  const sign = (md: forge.md.MessageDigest): string => {
    if (md.algorithm !== 'sha256') throw new PdfSignatureError(`unsupported digest ${md.algorithm}: SHA-256 expected`);
    const digest = Buffer.from(md.digest().getBytes(), 'binary');
    return privateEncrypt({ key: native, padding: constants.RSA_PKCS1_PADDING }, Buffer.concat([SHA256_DIGEST_INFO, digest])).toString('binary');
  };
  // forge only calls sign(); the cast keeps its typings (which want an RSA private key) satisfied.
  return { sign } as ForgeSigningKey & forge.pki.rsa.PrivateKey;
}

interface KeyAndCertificates {
  key: forge.pki.rsa.PrivateKey;
  signingKey: ForgeSigningKey & forge.pki.rsa.PrivateKey;
  certificate: forge.pki.Certificate;
  /** The signer's certificate and the chain, embedded in the CMS. */
  chain: forge.pki.Certificate[];
}

/** A CMS (PKCS#7 SignedData) detached signer over a decrypted key, for @signpdf. */
class CmsSigner extends Signer {
  constructor(private readonly k: KeyAndCertificates) {
    super();
  }

  override async sign(pdfBuffer: Buffer, signingTime?: Date): Promise<Buffer> {
    const p7 = forge.pkcs7.createSignedData();
    p7.content = forge.util.createBuffer(pdfBuffer.toString('binary'));
    for (const c of this.k.chain) p7.addCertificate(c);
    p7.addSigner({
      key: this.k.signingKey,
      certificate: this.k.certificate,
      digestAlgorithm: forge.pki.oids.sha256 ?? '2.16.840.1.101.3.4.2.1',
      // The order matters to the EU DSS validator (as in @signpdf's P12Signer).
      authenticatedAttributes: [
        { type: forge.pki.oids.contentType ?? '1.2.840.113549.1.9.3', value: forge.pki.oids.data ?? '1.2.840.113549.1.7.1' },
        // forge takes a Date here (its typings say string).
        { type: forge.pki.oids.signingTime ?? '1.2.840.113549.1.9.5', value: (signingTime ?? new Date()) as unknown as string },
        { type: forge.pki.oids.messageDigest ?? '1.2.840.113549.1.9.4' },
      ],
    });
    p7.sign({ detached: true });
    return Buffer.from(forge.asn1.toDer(p7.toAsn1()).getBytes(), 'binary');
  }
}

/** Reads the PKCS#12 once (its key and certificate), then signs any number of PDFs with it. */
export function openPadesSigner(p12: Buffer, passphrase: string): PadesSigner {
  const k = readPkcs12(p12, passphrase);
  const commonName = commonNameOf(k.certificate);
  const signer = new CmsSigner(k);
  return {
    commonName,
    async sign(pdf, options) {
      if (pdf.subarray(0, 5).toString('latin1') !== '%PDF-') throw new PdfSignatureError('not a PDF file (no %PDF- header)');
      try {
        const withPlaceholder = plainAddPlaceholder({
          pdfBuffer: pdf,
          reason: options.reason,
          contactInfo: options.contactInfo ?? '',
          name: commonName,
          location: options.location,
          subFilter: PADES_SUBFILTER,
          ...(options.signingTime ? { signingTime: options.signingTime } : {}),
        });
        return await signpdf.sign(withPlaceholder, signer, options.signingTime);
      } catch (e) {
        throw new PdfSignatureError(`the PDF could not be signed: ${e instanceof Error ? e.message : String(e)}`);
      }
    },
  };
}

function readPkcs12(p12: Buffer, passphrase: string): KeyAndCertificates {
  let parsed: forge.pkcs12.Pkcs12Pfx;
  try {
    parsed = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(forge.util.createBuffer(p12.toString('binary'))), passphrase);
  } catch (e) {
    throw new PdfSignatureError(`the PKCS#12 could not be read (wrong password?): ${e instanceof Error ? e.message : String(e)}`);
  }
  const keyOid = forge.pki.oids.pkcs8ShroudedKeyBag ?? '1.2.840.113549.1.12.10.1.2';
  const certOid = forge.pki.oids.certBag ?? '1.2.840.113549.1.12.10.1.3';
  const key = (parsed.getBags({ bagType: keyOid })[keyOid] ?? [])[0]?.key as forge.pki.rsa.PrivateKey | undefined;
  const chain = (parsed.getBags({ bagType: certOid })[certOid] ?? []).map((b) => b.cert).filter((c): c is forge.pki.Certificate => c !== undefined);
  if (!key) throw new PdfSignatureError('the PKCS#12 holds no private key');
  // forge reads UTF8String values as UTF-8 bytes but encodes them again when it writes the
  // signer's issuerAndSerialNumber: decoded here, an issuer with accents ("Commune de démonstration")
  // is written back byte for byte, and the verifier finds the signer's certificate.
  for (const c of chain) for (const attr of [...c.issuer.attributes, ...c.subject.attributes]) decodeUtf8Attribute(attr);
  const certificate = chain.find((c) => {
    const pub = c.publicKey as forge.pki.rsa.PublicKey;
    return pub.n.compareTo(key.n) === 0 && pub.e.compareTo(key.e) === 0;
  });
  if (!certificate) throw new PdfSignatureError('the PKCS#12 holds no certificate matching its key');
  return { key, signingKey: nativeRsaSigningKey(key), certificate, chain };
}

function decodeUtf8Attribute(attr: forge.pki.CertificateField): void {
  // forge types the tag as asn1.Class; it holds the universal type (12 = UTF8String).
  if (Number(attr.valueTagClass) !== Number(forge.asn1.Type.UTF8) || typeof attr.value !== 'string') return;
  try {
    attr.value = forge.util.decodeUtf8(attr.value);
  } catch {
    // Not valid UTF-8: left as read.
  }
}

/** The certificate's common name (UTF-8 already decoded by readPkcs12). */
function commonNameOf(cert: forge.pki.Certificate): string {
  const cn = cert.subject.getField('CN') as { value?: unknown } | null;
  if (!cn || typeof cn.value !== 'string') throw new PdfSignatureError('the certificate has no common name');
  return cn.value;
}

/** The common name of a PKCS#12's certificate (the one matching its key). */
export function p12CommonName(p12: Buffer, passphrase: string): string {
  return commonNameOf(readPkcs12(p12, passphrase).certificate);
}
