/**
 * `cli validate <dir>` as an admin runs it: a child process on a temporary copy of the shipped pack.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const SHIPPED = join(ROOT, 'definitions', 'brussels-commune');
const TSX = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const CLI = join(ROOT, 'runtime', 'cli', 'cli.ts');
const CENSUS = join('processes', 'census-dossier.yaml');

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'civic-flow-cli-'));
});
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

let copies = 0;
/** A fresh copy of the shipped pack in the work folder; returns its name relative to the work folder. */
function copyPack(): string {
  const name = `pack-${++copies}`;
  cpSync(SHIPPED, join(work, name), { recursive: true });
  return name;
}

/** Replaces one exact line of a file of the copy and returns its 1-based line number. */
function breakLine(pack: string, file: string, from: string, to: string): number {
  const path = join(work, pack, file);
  const lines = readFileSync(path, 'utf8').split('\n');
  const found = lines.flatMap((l, i) => (l === from ? [i] : []));
  if (found.length !== 1) throw new Error(`expected one line ${JSON.stringify(from)} in ${file}, found ${found.length}`);
  const index = found[0] as number;
  lines[index] = to;
  writeFileSync(path, lines.join('\n'));
  return index + 1;
}

function validate(...args: string[]): { status: number | null; stdout: string[]; stderr: string } {
  const r = spawnSync(process.execPath, [TSX, CLI, 'validate', ...args], { cwd: work, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout.split('\n').filter((l) => l !== ''), stderr: r.stderr };
}

describe('cli validate', () => {
  it('exits 0 on the shipped pack and says it is valid', () => {
    const pack = copyPack();
    const r = validate(pack);
    expect(r.stderr).toBe('');
    expect(r.stdout).toEqual([`${pack}: valid (6 processes, 6 record types)`]);
    expect(r.status).toBe(0);
  });

  it('exits 1 on an unknown target state and prints file:line:col: message (path) at its to:', () => {
    const pack = copyPack();
    const line = breakLine(pack, CENSUS, '        to: awaiting-return', '        to: awaiting-reply');
    const r = validate(pack);
    expect(r.status).toBe(1);
    const problem = r.stdout.find((l) => l.includes('awaiting-reply'));
    expect(problem).toMatch(new RegExp(`^${pack}/processes/census-dossier\\.yaml:${line}:13: Unknown state "awaiting-reply"\\. Known states: new, .* \\(/states/signed/on/send-registered-mail/to\\)$`));
    expect(r.stdout[r.stdout.length - 1]).toMatch(/^\d+ error\(s\)$/);
  });

  it('prints the problems in Dutch with --lang nl', () => {
    const pack = copyPack();
    const line = breakLine(pack, CENSUS, '        to: awaiting-return', '        to: awaiting-reply');
    const r = validate(pack, '--lang', 'nl');
    expect(r.status).toBe(1);
    const problem = r.stdout.find((l) => l.includes('awaiting-reply'));
    expect(problem).toMatch(new RegExp(`^${pack}/processes/census-dossier\\.yaml:${line}:13: Onbekende toestand "awaiting-reply"\\. Bekende toestanden: new, .* \\(/states/signed/on/send-registered-mail/to\\)$`));
    expect(r.stdout.join('\n')).not.toMatch(/Unknown state|can never be reached/);
  });

  it('prints the problems in French with --lang fr before the folder', () => {
    const pack = copyPack();
    const line = breakLine(pack, CENSUS, '        to: awaiting-return', '        to: awaiting-reply');
    const r = validate('--lang', 'fr', pack);
    expect(r.status).toBe(1);
    expect(r.stdout.some((l) => l.startsWith(`${pack}/processes/census-dossier.yaml:${line}:13: État inconnu « awaiting-reply »`))).toBe(true);
  });

  it('points at the misplaced key of a badly indented line', () => {
    const pack = copyPack();
    const line = breakLine(pack, CENSUS, '    reason: { fr: Signatures reçues, nl: Handtekeningen ontvangen, en: Signatures received }', '   reason: { fr: Signatures reçues, nl: Handtekeningen ontvangen, en: Signatures received }');
    const r = validate(pack);
    expect(r.status).toBe(1);
    expect(r.stdout[0]).toBe(`${pack}/processes/census-dossier.yaml:${line}:4: YAML syntax error: All mapping items must start at the same column (/)`);
  });

  it('points at the name of an unknown property in a state', () => {
    const pack = copyPack();
    const line = breakLine(pack, CENSUS, '    reason: { fr: Contrôle sur place, nl: Controle ter plaatse, en: On-site inspection }', '    raison: { fr: Contrôle sur place, nl: Controle ter plaatse, en: On-site inspection }');
    const r = validate(pack);
    expect(r.status).toBe(1);
    expect(r.stdout).toEqual([`${pack}/processes/census-dossier.yaml:${line}:5: Unknown property "raison" (/states/inspection/raison)`, '1 error(s)']);
  });

  it('prints a message holding slashes as it is, after the right file and line', () => {
    const pack = copyPack();
    const line = breakLine(pack, CENSUS, '      - delay: P15D', '      - delay: "P1D/../x"');
    const r = validate(pack);
    expect(r.status).toBe(1);
    expect(r.stdout[0]).toBe(`${pack}/processes/census-dossier.yaml:${line}:16: Invalid value "P1D/../x": ISO 8601 duration, e.g. P15D or PT8H (/states/awaiting-return/after/0/delay)`);
  });

  it('exits 1 with a clear message when the folder does not exist', () => {
    const r = validate('no-such-pack');
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('no-such-pack: no such pack folder\n');
    expect(r.stdout).toEqual([]);
  });

  it('exits 1 when given a file instead of a folder', () => {
    const pack = copyPack();
    const r = validate(join(pack, 'pack.yaml'));
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`${join(pack, 'pack.yaml')}: not a folder\n`);
  });

  it('refuses a language it cannot print with the usage and exit code 2', () => {
    const pack = copyPack();
    const r = validate(pack, '--lang', 'de');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^Usage: .*--lang fr\|nl\|en/);
    expect(r.stdout).toEqual([]);
  });
});
