/**
 * Census import benchmark part (TR-28, TR-40): a 10,000-row Belfirst export (.xlsx) imported
 * into dossiers — size checks, streaming read, validation, matching, creation through
 * RecordsService in concurrent batches (group commit), notification and log — on a fresh durable
 * store (synchronous=FULL). Target < 10 s. Writing the spreadsheet is not timed.
 */
import ExcelJS from 'exceljs';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadConfig } from '../../runtime/config/config';
import { createRuntime } from '../../runtime/server';
import { BelfirstImportService } from '../../runtime/services/belfirst-import.service';

const ROOT = resolve(__dirname, '..', '..');
const HEADERS = ['Nom', "Numéro d'entreprise", 'Numéro de TVA', 'Forme juridique', 'Adresse', 'Code postal', 'Commune', 'Code NACE', 'Nombre d\'employés'];
const FORMS = ['SRL', 'SA', 'SC', 'ASBL', 'SNC'];
const STREETS = ['Rue de la Loi', 'Boulevard Anspach', 'Avenue Louise', 'Chaussée de Wavre', 'Rue Haute'];

function enterpriseNumber(i: number): string {
  const first8 = 4_000_000 + i;
  const d = `${String(first8).padStart(8, '0')}${String(97 - (first8 % 97)).padStart(2, '0')}`;
  return `${d.slice(0, 4)}.${d.slice(4, 7)}.${d.slice(7)}`;
}

/** Writes a Belfirst-like export of `rows` companies (streaming writer). */
export async function writeBelfirstFile(path: string, rows: number): Promise<void> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: createWriteStream(path), useSharedStrings: true, useStyles: false });
  const ws = wb.addWorksheet('Belfirst');
  ws.addRow(['Belfirst — Entreprises établies sur le territoire de la commune']).commit();
  ws.addRow(HEADERS).commit();
  for (let i = 1; i <= rows; i++) {
    const en = enterpriseNumber(i);
    ws.addRow([`Entreprise ${i} ${FORMS[i % FORMS.length]}`, en, `BE${en.replace(/\./g, '')}`, FORMS[i % FORMS.length], `${STREETS[i % STREETS.length]} ${1 + (i % 250)}`, 1000 + (i % 3) * 10, 'Bruxelles', '62.010', i % 50]).commit();
  }
  ws.commit();
  await wb.commit();
}

/** Seconds to import a `rows`-row (default 10,000) Belfirst export into dossiers. */
export async function benchImport10k(rows = 10_000): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'civic-flow-import-bench-'));
  const demoDir = join(dir, 'no-demo');
  mkdirSync(demoDir);
  const config = loadConfig({ DATA_DIR: join(dir, 'data'), DEMO_DIR: demoDir, SEED_DEMO: 'false', LOG_LEVEL: 'silent', PORT: '0', SMTP_PORT: '-1' }, ROOT);
  const runtime = await createRuntime(config);
  try {
    const path = join(dir, 'belfirst.xlsx');
    await writeBelfirstFile(path, rows);
    const file = readFileSync(path);
    const service = new BelfirstImportService({ store: runtime.store, packs: runtime.packs, records: runtime.records, clock: Date.now, logFile: join(dir, 'imports.log.jsonl') });
    const t0 = process.hrtime.bigint();
    const result = await service.commit({ id: 'bench', roles: ['census-agent'] }, 'belfirst', file, 'belfirst.xlsx');
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    if (result.created !== rows) throw new Error(`import created ${result.created} of ${rows} dossiers (${result.errors} errors: ${JSON.stringify(result.rows.find((r) => r.status === 'error')?.errors)})`);
    return Math.round(seconds * 100) / 100;
  } finally {
    await runtime.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
