/**
 * PAdES signatures of census letters (TR-23): demo certificates made once, a letter signed by the
 * alderman verifies with poppler's pdfsig, and the secretary's second signature (an incremental
 * update) leaves the alderman's valid. The demo CA is self-signed: pdfsig does not trust it,
 * so the tests assert the signature's validity, not the certificate's trust.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPadesSigner, PdfSignatureError } from '../../adapters/signature-pades';
import { certificatePath, ensureDemoCertificates } from '../../runtime/services/demo-certificates';
import { letterPdf, pdfsig } from './pdf-helpers';

const PASSWORD = 'test-password';
let root: string;
let certificatesDir: string;
const signers = [
  { id: 'u-alderman', displayName: 'Sofie Schepen' },
  { id: 'u-secretary', displayName: 'Paul Secrétaire' },
];

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'civic-flow-pades-'));
  certificatesDir = join(root, 'certificates');
  await ensureDemoCertificates({ certificatesDir, demoCertPassword: PASSWORD, demoDir: null }, signers);
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('demo certificates', () => {
  it('are made once: a second start keeps the same files', async () => {
    const path = certificatePath(certificatesDir, 'u-alderman');
    const before = readFileSync(path);
    const mtime = statSync(path).mtimeMs;
    expect(await ensureDemoCertificates({ certificatesDir, demoCertPassword: PASSWORD, demoDir: null }, signers)).toEqual([]);
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(statSync(path).mtimeMs).toBe(mtime);
  });

  it('carry the signer’s name, accents included', () => {
    expect(openPadesSigner(readFileSync(certificatePath(certificatesDir, 'u-alderman')), PASSWORD).commonName).toBe('Sofie Schepen');
    expect(openPadesSigner(readFileSync(certificatePath(certificatesDir, 'u-secretary')), PASSWORD).commonName).toBe('Paul Secrétaire');
  });
});

describe('PAdES signature', () => {
  const signer = (id: string) => openPadesSigner(readFileSync(certificatePath(certificatesDir, id)), PASSWORD);
  const options = { reason: 'Approbation', location: 'Bruxelles' };

  it('signed by the alderman verifies with pdfsig', async () => {
    const signed = await signer('u-alderman').sign(await letterPdf('Garage du Midi SA'), options);
    const report = pdfsig(signed);
    expect(report.signatures).toHaveLength(1);
    expect(report.signatures[0]).toMatchObject({ commonName: 'Sofie Schepen', valid: true, subFilter: 'ETSI.CAdES.detached', totalDocument: true });
  });

  it('signed by the alderman then the secretary: both signatures verify', async () => {
    const once = await signer('u-alderman').sign(await letterPdf('Bakkerij Peeters BV'), options);
    const twice = await signer('u-secretary').sign(once, options);
    // An incremental update: the first signed revision is kept byte for byte.
    expect(twice.subarray(0, once.length).equals(once)).toBe(true);
    const report = pdfsig(twice);
    expect(report.signatures.map((s) => [s.commonName, s.valid])).toEqual([
      ['Sofie Schepen', true],
      ['Paul Secrétaire', true],
    ]);
    expect(report.signatures[1]?.totalDocument).toBe(true);
  });

  it('a damaged PDF is refused with a clear error, not signed', async () => {
    const pdf = await letterPdf('Damaged SA');
    await expect(signer('u-alderman').sign(pdf.subarray(0, Math.floor(pdf.length / 2)), options)).rejects.toThrow(PdfSignatureError);
    await expect(signer('u-alderman').sign(Buffer.from('not a pdf at all'), options)).rejects.toThrow(/not a PDF/);
  });

  it('a signed PDF altered afterwards no longer verifies', async () => {
    const signed = await signer('u-alderman').sign(await letterPdf('Tampered SA'), options);
    const i = signed.indexOf('Tampered SA');
    const altered = Buffer.from(signed);
    if (i >= 0) altered[i] = 'X'.charCodeAt(0);
    else altered[200] = (altered[200] ?? 0) ^ 1;
    expect(pdfsig(altered).signatures[0]?.valid).toBe(false);
  });
});
