/**
 * The layer rule of DESIGN.md, enforced: engine/ imports nothing from runtime/ or adapters/
 * and reads no clock, environment or file; adapters/ never import runtime/ services.
 * Exit 1 with file:line for each breach.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const root = resolve(__dirname, '..');

function files(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (name !== 'node_modules') out.push(...files(p));
    } else if (/\.tsx?$/.test(name)) out.push(p);
  }
  return out;
}

interface Rule {
  layer: string;
  test: (spec: string, absTarget: string | null, line: string) => string | null;
}

const importRe = /(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|require\(\s*['"]([^'"]+)['"]\s*\)|import\(\s*['"]([^'"]+)['"]\s*\)/g;

const rules: Rule[] = [
  {
    layer: 'engine',
    test: (spec, abs, line) => {
      if (abs && (abs.startsWith(join(root, 'runtime')) || abs.startsWith(join(root, 'adapters')))) return `engine/ must not import ${spec} (runtime/ and adapters/ depend on engine/, never the reverse)`;
      if (/^(node:)?(fs|net|http|https|child_process|os|path|worker_threads)(\/|$)/.test(spec)) return `engine/ must stay pure: no "${spec}" (I/O belongs in runtime/ or adapters/)`;
      if (/\bprocess\.env\b/.test(line)) return 'engine/ must not read process.env (configuration is read once in runtime/config)';
      if (/\bDate\.now\(\)|new Date\(\)/.test(line)) return 'engine/ must not read the clock (take the time as a parameter)';
      return null;
    },
  },
  {
    layer: 'adapters',
    test: (spec, abs) => (abs && abs.startsWith(join(root, 'runtime')) && !abs.includes(`${join('runtime', 'ports')}`) ? `adapters/ may import runtime/ports only, not ${spec}` : null),
  },
];

let breaches = 0;
for (const rule of rules) {
  const dir = join(root, rule.layer);
  for (const file of files(dir)) {
    if (file.includes('__tests__')) continue;
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.forEach((line, i) => {
      if (/^\s*(\/\/|\*)/.test(line)) return;
      const checks: Array<[string, string | null]> = [];
      for (const m of line.matchAll(importRe)) {
        const spec = m[1] ?? m[2] ?? m[3] ?? '';
        checks.push([spec, spec.startsWith('.') ? resolve(join(file, '..'), spec) : null]);
      }
      if (checks.length === 0) checks.push(['', null]);
      for (const [spec, abs] of checks) {
        const problem = rule.test(spec, abs, line);
        if (problem) {
          breaches++;
          process.stderr.write(`${relative(root, file)}:${i + 1}: ${problem}\n`);
          break;
        }
      }
    });
  }
}
if (breaches) {
  process.stderr.write(`lint-layers: ${breaches} breach(es)\n`);
  process.exit(1);
}
process.stdout.write('lint-layers: engine/ is pure and layers point one way\n');
