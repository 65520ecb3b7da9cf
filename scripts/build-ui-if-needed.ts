/**
 * `npm start` runs this first: builds the web app (admin-ui → admin-ui/dist) when it is
 * missing or older than its sources, so the README's two commands still do all the set-up.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '..');
const built = join(root, 'admin-ui', 'dist', 'index.html');

function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = st.mtimeMs;
  for (const name of readdirSync(path)) {
    if (name === 'node_modules' || name === 'dist' || name === '__tests__') continue;
    max = Math.max(max, newest(join(path, name)));
  }
  return max;
}

const sources = ['admin-ui/src', 'admin-ui/index.html', 'admin-ui/vite.config.mts', 'engine', 'definitions/schema'].map((p) => newest(join(root, p)));
const builtAt = existsSync(built) ? statSync(built).mtimeMs : 0;
if (builtAt >= Math.max(...sources) && process.env['FORCE_UI_BUILD'] !== 'true') {
  process.stdout.write('Web app is up to date (admin-ui/dist).\n');
} else {
  process.stdout.write('Building the web app (admin-ui → admin-ui/dist)…\n');
  execFileSync(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', join(root, 'admin-ui', 'vite.config.mts'), '--logLevel', 'warn'], { stdio: 'inherit', cwd: join(root, 'admin-ui') });
  process.stdout.write('Web app built.\n');
}
