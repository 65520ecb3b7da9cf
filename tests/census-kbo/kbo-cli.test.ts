/** `npm run cli -- import kbo <dir> [--update]`: rows per file, then a clear FR/NL error for a bad folder. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');
const TSX = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');

function cli(args: string[], dataDir: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [TSX, join(ROOT, 'runtime', 'cli', 'cli.ts'), ...args], { cwd: ROOT, env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent' }, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('cli import kbo', () => {
  const root = mkdtempSync(join(tmpdir(), 'civic-flow-kbo-cli-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('imports the full extract then the update, printing the rows per file', () => {
    const full = cli(['import', 'kbo', 'examples/kbo-extract/full'], join(root, 'data'));
    expect(full.stderr).toBe('');
    expect(full.status).toBe(0);
    expect(full.stdout).toContain('  enterprise.csv: 30 rows\n');
    expect(full.stdout).toContain('  denomination.csv: 62 rows\n');
    expect(full.stdout).toContain('30 enterprises in the lookup');
    const update = cli(['import', 'kbo', 'examples/kbo-extract/update', '--update'], join(root, 'data'));
    expect(update.status).toBe(0);
    expect(update.stdout).toContain('  enterprise_delete.csv: 2 rows\n');
    expect(update.stdout).toContain('  enterprise_insert.csv: 2 rows\n');
  });

  it('exits 1 with the reason in French and Dutch when a file is missing', () => {
    const r = cli(['import', 'kbo', 'examples/kbo-extract/update'], join(root, 'data'));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('Le fichier code.csv manque');
    expect(r.stderr).toContain('Het bestand code.csv ontbreekt');
  });
});
