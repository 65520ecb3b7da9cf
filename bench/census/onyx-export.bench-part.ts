/**
 * Onyx export benchmark part: 10,000 census dossiers walked to `closed-matching` through the
 * engine (created, prepared, approved by the manager, signed by both, mailed, returned,
 * concluded), then the Onyx workbook of all of them streamed to a file — on a fresh durable store
 * (synchronous=FULL). Only the export is timed; walking the dossiers is not.
 */
import { createWriteStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { finished } from 'node:stream/promises';
import { loadConfig } from '../../runtime/config/config';
import { createRuntime } from '../../runtime/server';
import { SpreadsheetExportService } from '../../runtime/services/spreadsheet-export.service';

const ROOT = resolve(__dirname, '..', '..');
const FAMILIES = ['surface', 'signage', 'parking', 'motive-power', 'terraces', 'distributors'];
const BATCH = 250;

/** A valid enterprise number (mod 97) from an integer. */
function enterpriseNumber(i: number): string {
  const first8 = 4_100_000 + i;
  const d = `${String(first8).padStart(8, '0')}${String(97 - (first8 % 97)).padStart(2, '0')}`;
  return `${d.slice(0, 4)}.${d.slice(4, 7)}.${d.slice(7)}`;
}

/** Seconds to export `count` closed dossiers (default 10,000) to the Onyx workbook. */
export async function benchOnyxExport10k(count = 10_000): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'civic-flow-onyx-bench-'));
  const demoDir = join(dir, 'no-demo');
  mkdirSync(demoDir);
  const config = loadConfig({ DATA_DIR: join(dir, 'data'), DEMO_DIR: demoDir, SEED_DEMO: 'false', LOG_LEVEL: 'silent', PORT: '0', SMTP_PORT: '-1' }, ROOT);
  const runtime = await createRuntime(config);
  try {
    const agent = { id: 'bench-agent', roles: ['census-agent'] };
    const manager = { id: 'bench-manager', roles: ['tax-manager'] };
    const alderman = { id: 'bench-alderman', roles: ['alderman-finance'] };
    const secretary = { id: 'bench-secretary', roles: ['municipal-secretary'] };
    const r = runtime.records;
    for (let i = 0; i < count; i += BATCH) {
      await Promise.all(
        Array.from({ length: Math.min(BATCH, count - i) }, async (_, k) => {
          const n = i + k;
          const { id } = await r.create(agent, 'dossier', {
            company_name: `Entreprise Bench ${n} SRL`, enterprise_number: enterpriseNumber(n), legal_form: 'SRL',
            tax_regulation: FAMILIES[n % FAMILIES.length], language: n % 2 ? 'nl' : 'fr',
            registered_office: { street: 'Boulevard Anspach', number: String(1 + (n % 200)), postalCode: '1000', city: 'Bruxelles', country: 'BE' },
          });
          await r.send(agent, id, { type: 'prepare' });
          await r.send(agent, id, { type: 'request-signature' });
          await r.send(manager, id, { type: 'approve' });
          await r.send(alderman, id, { type: 'approve' });
          await r.send(secretary, id, { type: 'approve' });
          await r.send(agent, id, { type: 'send-registered-mail' });
          await r.send(agent, id, { type: 'return-received', data: { declared_amount: 1000 + n } });
          await r.send(agent, id, { type: 'conclude-analysis', data: { outcome: 'matches' } });
        }),
      );
    }
    const exports = new SpreadsheetExportService({ store: runtime.store, packs: runtime.packs });
    const out = join(dir, 'onyx.xlsx');
    const t0 = process.hrtime.bigint();
    const plan = exports.plan(agent, 'onyx', null);
    const file = createWriteStream(out);
    const rows = await exports.write(plan, file);
    await finished(file);
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    if (rows !== count) throw new Error(`the export wrote ${rows} rows, expected ${count}`);
    return Math.round(seconds * 100) / 100;
  } finally {
    await runtime.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

// Run alone: `npx tsx bench/census/onyx-export.bench-part.ts [count]`.
if (require.main === module) {
  benchOnyxExport10k(Number(process.argv[2] ?? 10_000)).then(
    (s) => process.stdout.write(`export ${process.argv[2] ?? 10_000} closed dossiers to the Onyx workbook: ${s} s\n`),
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
