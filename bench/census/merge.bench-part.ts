/**
 * Census mail merge benchmark part: 500 dossiers (FR and NL, every tax family) bulk-merged
 * with the cover letter to one DOCX and one PDF each, attached to the dossiers, plus the
 * combined PDF to print — on a fresh durable store (synchronous=FULL). Target < 60 s.
 * Creating the dossiers is not timed.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadConfig } from '../../runtime/config/config';
import { createRuntime } from '../../runtime/server';
import { MailMergeService } from '../../runtime/services/mail-merge.service';

const ROOT = resolve(__dirname, '..', '..');
const FAMILIES = ['surface', 'signage', 'parking', 'motive-power', 'terraces', 'distributors'];

/** Seconds to bulk-merge `count` letters (default 500) to DOCX and PDF. */
export async function benchMerge500(count = 500): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'civic-flow-merge-bench-'));
  const demoDir = join(dir, 'no-demo');
  mkdirSync(demoDir);
  const config = loadConfig({ DATA_DIR: join(dir, 'data'), DEMO_DIR: demoDir, SEED_DEMO: 'false', LOG_LEVEL: 'silent', PORT: '0', SMTP_PORT: '-1' }, ROOT);
  const runtime = await createRuntime(config);
  try {
    const actor = { id: 'bench', roles: ['census-agent'] };
    const ids: string[] = [];
    for (let i = 0; i < count; i += 50) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(50, count - i) }, (_, k) =>
          runtime.records.create(actor, 'dossier', {
            company_name: `Entreprise Bench ${i + k} SRL`,
            enterprise_number: '0403.170.701',
            tax_regulation: FAMILIES[(i + k) % FAMILIES.length],
            language: (i + k) % 2 ? 'nl' : 'fr',
            registered_office: { street: 'Boulevard Anspach', number: String(1 + ((i + k) % 200)), postalCode: '1000', city: 'Bruxelles', country: 'BE' },
            declared_amount: 1000 + (i + k),
          }),
        ),
      );
      ids.push(...batch.map((r) => r.id));
    }
    const merge = new MailMergeService(runtime, config.regulationsDir);
    const t0 = process.hrtime.bigint();
    const result = await merge.mergeBulk(actor, 'census-cover-letter', ids);
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    if (result.files.length !== 2 * count || result.combined.size === 0) throw new Error(`merge gave ${result.files.length} files`);
    return Math.round(seconds * 100) / 100;
  } finally {
    await runtime.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
