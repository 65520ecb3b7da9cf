/**
 * Census signature benchmark part (TR-23, TR-26): the alderman signs 500 dossiers' letters in
 * one batch — for each: PAdES signature (ETSI.CAdES.detached, RSA-2048, SHA-256) of its PDF,
 * signed PDF stored in the blob store, `approve` event committed — on a fresh durable store
 * (synchronous=FULL), through SignatureService as POST /api/signatures/batch does. Target < 60 s.
 * Making the certificates, the letters and the dossiers (up to the manager's approval) is not timed.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import PDFDocument from 'pdfkit';
import { loadConfig } from '../../runtime/config/config';
import { createRuntime } from '../../runtime/server';
import { ensureDemoCertificates } from '../../runtime/services/demo-certificates';
import { SignatureService } from '../../runtime/services/signature.service';

const ROOT = resolve(__dirname, '..', '..');

function letter(company: string): Promise<Buffer> {
  return new Promise((done, fail) => {
    const doc = new PDFDocument({ size: 'A4' });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => done(Buffer.concat(chunks)));
    doc.on('error', fail);
    doc.fontSize(12).text(`Recensement des taxes communales — ${company}`);
    doc.moveDown().text('Madame, Monsieur, veuillez trouver ci-joint le formulaire de déclaration.');
    doc.end();
  });
}

/** Seconds for one signer to sign `count` dossiers' letters (default 500) in one batch. */
export async function benchSign500(count = 500): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'civic-flow-sign-bench-'));
  const demoDir = join(dir, 'no-demo');
  mkdirSync(demoDir);
  const config = loadConfig({ DATA_DIR: join(dir, 'data'), DEMO_DIR: demoDir, SEED_DEMO: 'false', LOG_LEVEL: 'silent', PORT: '0', SMTP_PORT: '-1' }, ROOT);
  await ensureDemoCertificates(config, [{ id: 'u-alderman', displayName: 'Sofie Schepen' }]);
  const runtime = await createRuntime(config);
  try {
    const agent = { id: 'bench-agent', roles: ['census-agent'] };
    const manager = { id: 'bench-manager', roles: ['tax-manager'] };
    const alderman = { id: 'u-alderman', roles: ['alderman-finance'] };
    const ids: string[] = [];
    for (let i = 0; i < count; i += 50) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(50, count - i) }, async (_, k) => {
          const company = `Entreprise Bench ${i + k} SRL`;
          const blob = await runtime.blobs.put(await letter(company));
          const rec = await runtime.records.create(agent, 'dossier', {
            company_name: company, tax_regulation: 'signage', language: (i + k) % 2 ? 'nl' : 'fr',
            letters: [{ id: blob.id, name: `recensement-${i + k}.pdf`, size: blob.size, contentType: 'application/pdf' }],
          });
          await runtime.records.send(agent, rec.id, { type: 'prepare' });
          await runtime.records.send(agent, rec.id, { type: 'request-signature' });
          // The manager's approval comes first (TR-23); it is set-up, not part of the signing timed.
          await runtime.records.send(manager, rec.id, { type: 'approve' });
          return rec.id;
        }),
      );
      ids.push(...batch);
    }
    const signatures = new SignatureService({ records: runtime.records, blobs: runtime.blobs, config, clock: Date.now });
    const t0 = process.hrtime.bigint();
    const result = await signatures.signBatch(alderman, ids);
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    if (result.summary.signed !== count) throw new Error(`only ${result.summary.signed} of ${count} signed: ${JSON.stringify(result.results.find((r) => r.status === 'failed'))}`);
    return Math.round(seconds * 100) / 100;
  } finally {
    await runtime.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
