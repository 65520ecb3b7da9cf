/**
 * Demo certificates for the PAdES letters (census TR-23): on first start a demo CA and one
 * PKCS#12 (certificate + key) per signing demo user, under config.certificatesDir:
 *
 *   demo-ca.crt.pem, demo-ca.key.pem   the self-signed demo CA (PDF readers will not trust it)
 *   <userId>.p12                       the signer's key and certificate (CN = display name)
 *
 * Idempotent: files already there are kept as they are (a restart signs with the same keys).
 * Keys are generated with Node's crypto (fast, native), certificates and PKCS#12 with node-forge.
 * For a real commune, put the signers' own PKCS#12 files (eID / qualified certificates) there.
 */
import { generateKeyPair, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import forge from 'node-forge';
import { parse as parseYaml } from 'yaml';
import { nativeRsaSigningKey } from '../../adapters/signature-pades';
import type { Config } from '../config/config';

/** The demo users who sign census letters (alderman of finance, municipal secretary). */
export const DEMO_SIGNERS: readonly string[] = Object.freeze(['u-alderman', 'u-secretary']);

const CA_CERT = 'demo-ca.crt.pem';
const CA_KEY = 'demo-ca.key.pem';
const YEAR_MS = 365 * 24 * 3600 * 1000;

export function certificatePath(dir: string, userId: string): string {
  if (!/^[A-Za-z0-9._-]+$/.test(userId)) throw new Error(`not a valid user id for a certificate file: ${userId}`);
  return join(dir, `${userId}.p12`);
}

export interface DemoSigner {
  id: string;
  displayName: string;
}

/** Makes the demo CA and the signers' PKCS#12 files that are missing; returns the paths made. */
export async function ensureDemoCertificates(
  config: Pick<Config, 'certificatesDir' | 'demoCertPassword' | 'demoDir'>,
  signers: DemoSigner[] = demoSignersFrom(config.demoDir),
  clock: () => number = Date.now,
): Promise<string[]> {
  const dir = config.certificatesDir;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const made: string[] = [];
  const missing = signers.filter((s) => !existsSync(certificatePath(dir, s.id)));
  const caMissing = !existsSync(join(dir, CA_CERT)) || !existsSync(join(dir, CA_KEY));
  if (missing.length === 0 && !caMissing) return made;
  // RSA keys generated in parallel off the main thread (the slow part).
  const [caKeys, ...signerKeys] = await Promise.all([caMissing ? rsaKeys() : null, ...missing.map(() => rsaKeys())]);
  const ca = ensureCa(dir, clock, made, caKeys ?? null);
  for (const [i, s] of missing.entries()) {
    const path = certificatePath(dir, s.id);
    const keys = signerKeys[i];
    if (!keys) continue;
    const cert = forge.pki.createCertificate();
    cert.publicKey = keys.publicKey;
    cert.serialNumber = serial();
    cert.validity.notBefore = new Date(clock() - 24 * 3600 * 1000);
    cert.validity.notAfter = new Date(clock() + 5 * YEAR_MS);
    cert.setSubject(name(s.displayName, 'Signataire / Ondertekenaar'));
    cert.setIssuer(ca.cert.subject.attributes);
    cert.setExtensions([
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, nonRepudiation: true },
      { name: 'subjectKeyIdentifier' },
    ]);
    cert.sign(nativeRsaSigningKey(ca.key), forge.md.sha256.create());
    const p12 = forge.pkcs12.toPkcs12Asn1(keys.privateKey, [cert, ca.cert], config.demoCertPassword, { algorithm: '3des', friendlyName: s.displayName });
    writeAtomically(path, Buffer.from(forge.asn1.toDer(p12).getBytes(), 'binary'));
    made.push(path);
  }
  return made;
}

/** The signing demo users with their display names, from the demo's users.yaml. */
function demoSignersFrom(demoDir: string | null): DemoSigner[] {
  const file = demoDir ? join(demoDir, 'users.yaml') : null;
  const users = file && existsSync(file) ? ((parseYaml(readFileSync(file, 'utf8')) as { users?: Array<{ id: string; displayName?: string }> } | null)?.users ?? []) : [];
  return DEMO_SIGNERS.map((id) => ({ id, displayName: users.find((u) => u.id === id)?.displayName ?? id }));
}

function ensureCa(dir: string, clock: () => number, made: string[], fresh: RsaKeys | null): { cert: forge.pki.Certificate; key: forge.pki.rsa.PrivateKey } {
  const certPath = join(dir, CA_CERT);
  const keyPath = join(dir, CA_KEY);
  if (existsSync(certPath) && existsSync(keyPath)) {
    return { cert: forge.pki.certificateFromPem(readFileSync(certPath, 'utf8')), key: forge.pki.privateKeyFromPem(readFileSync(keyPath, 'utf8')) as forge.pki.rsa.PrivateKey };
  }
  const keys = fresh ?? (() => {
    throw new Error('demo CA key not generated');
  })();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serial();
  cert.validity.notBefore = new Date(clock() - 24 * 3600 * 1000);
  cert.validity.notAfter = new Date(clock() + 10 * YEAR_MS);
  const subject = name('Civic Flow Demo CA', 'Démo / Demo — pas de valeur légale / geen rechtsgeldigheid');
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(nativeRsaSigningKey(keys.privateKey), forge.md.sha256.create());
  writeAtomically(keyPath, Buffer.from(forge.pki.privateKeyToPem(keys.privateKey)), 0o600);
  writeAtomically(certPath, Buffer.from(forge.pki.certificateToPem(cert)));
  made.push(certPath);
  return { cert, key: keys.privateKey };
}

/** A distinguished name in UTF-8 (accents of Brussels names survive: "Paul Secrétaire"). */
function name(commonName: string, unit: string): forge.pki.CertificateField[] {
  // forge encodes UTF8String values itself (and decodes them when reading).
  const utf8 = (value: string) => ({ value, valueTagClass: forge.asn1.Type.UTF8 as number });
  return [
    { name: 'countryName', value: 'BE' },
    { shortName: 'O', ...utf8('Commune de démonstration / Demogemeente') },
    { shortName: 'OU', ...utf8(unit) },
    { name: 'commonName', ...utf8(commonName) },
  ];
}

interface RsaKeys {
  privateKey: forge.pki.rsa.PrivateKey;
  publicKey: forge.pki.rsa.PublicKey;
}

const generateRsa = promisify(generateKeyPair);

async function rsaKeys(): Promise<RsaKeys> {
  const k = await generateRsa('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs1', format: 'pem' } });
  return {
    privateKey: forge.pki.privateKeyFromPem(k.privateKey) as forge.pki.rsa.PrivateKey,
    publicKey: forge.pki.publicKeyFromPem(k.publicKey) as forge.pki.rsa.PublicKey,
  };
}

/** A positive 16-byte serial number in hex: top bit clear (positive), next bit set (minimal DER, no leading zero byte). */
function serial(): string {
  const b = randomBytes(16);
  b[0] = ((b[0] ?? 0) & 0x7f) | 0x40;
  return b.toString('hex');
}

function writeAtomically(path: string, data: Buffer, mode = 0o600): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, data, { mode });
  renameSync(tmp, path);
}
