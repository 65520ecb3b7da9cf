/**
 * `npm run cli -- export-pack <out-dir> [--version N]`, run as a real process on a fresh
 * DATA_DIR with the shipped pack (which the first start publishes as version 1).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { readPackDir } from '../../runtime/packs/pack-files';
import { PACK_DIR, REPO_ROOT } from '../api/api-harness';

const TSX = join(REPO_ROOT, 'node_modules', '.bin', 'tsx');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(TSX, ['runtime/cli/cli.ts', ...args], { cwd: REPO_ROOT, env: { ...process.env, ...env }, timeout: 20_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Every file under `dir` (not only YAML), as relative paths with forward slashes. */
function allFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p).split(sep).join('/'));
    }
  };
  walk(dir);
  return out.sort();
}

describe('the export-pack command', () => {
  let root: string;
  let env: Record<string, string>;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'civic-flow-export-'));
    env = { DATA_DIR: join(root, 'data'), PACK_DIR, SEED_DEMO: 'false', LOG_LEVEL: 'silent' };
  });

  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('writes the published version, file for file identical to the shipped pack, and the export validates', async () => {
    const out = join(root, 'exported');

    const run = await cli(['export-pack', out], env);

    expect(run).toMatchObject({ code: 0, stderr: '' });
    const shipped = readPackDir(PACK_DIR);
    expect(run.stdout).toBe(`Exported brussels-commune v1 (${Object.keys(shipped).length} files) to ${out}\n`);
    expect(allFiles(out)).toEqual(Object.keys(shipped).sort());
    expect(readPackDir(out)).toEqual(shipped);

    const validate = await cli(['validate', out], env);
    expect(validate.code).toBe(0);
    expect(validate.stdout).toBe(`${out}: valid (6 processes, 6 record types)\n`);
  });

  it('exports the version asked for with --version; starting again on the same data publishes no new version', async () => {
    const out = join(root, 'v1');

    const run = await cli(['export-pack', out, '--version', '1'], env);

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Exported brussels-commune v1 /);
    expect(readPackDir(out)).toEqual(readPackDir(PACK_DIR));
    // Three starts on one DATA_DIR with unchanged files: still only version 1.
    const v2 = await cli(['export-pack', join(root, 'v2'), '--version', '2'], env);
    expect(v2).toMatchObject({ code: 1, stderr: 'No version 2 of pack brussels-commune\n' });
  });

  it('exits 1 with a clear message for a version that does not exist, and writes nothing', async () => {
    const out = join(root, 'missing');

    const run = await cli(['export-pack', out, '--version', '99'], env);

    expect(run.code).toBe(1);
    expect(run.stderr).toBe('No version 99 of pack brussels-commune\n');
    expect(run.stdout).toBe('');
    expect(existsSync(out)).toBe(false);
  });
});
