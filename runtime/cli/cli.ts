/**
 * `npm run cli -- <command>`:
 *   validate <pack-dir> [--lang fr|nl|en]   every problem as file:line:col: message (path); exit 1 on errors
 *   serve                                   start the server (PORT, DATA_DIR, PACK_DIR …)
 *   export-pack <out-dir> [--version N]     write the published (or given) pack version's files
 *   import kbo <dir> [--update]             import a KBO/BCE Open Data extract (full, or an update's delete/insert pairs) into DATA_DIR/kbo.sqlite
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { formatProblem } from '../../engine/errors';
import { loadPack } from '../../engine/pack';
import { ConfigError, loadConfig } from '../config/config';
import { readPackDir } from '../packs/pack-files';
import { createRuntime, startServer } from '../server';
import { KboImportError, openKboStore } from '../../adapters/registry-kbo';

function usage(): never {
  process.stderr.write('Usage: npm run cli -- validate <pack-dir> [--lang fr|nl|en] | serve | export-pack <out-dir> [--version N] | import kbo <dir> [--update]\n');
  process.exit(2);
}

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (command === 'validate') {
    const dir = args.find((a) => !a.startsWith('--') && a !== flag(args, '--lang'));
    if (!dir) usage();
    const lang = flag(args, '--lang') ?? 'en';
    if (lang !== 'fr' && lang !== 'nl' && lang !== 'en') usage();
    let files: Record<string, string>;
    try {
      files = readPackDir(resolve(dir));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'no such pack folder' : code === 'ENOTDIR' ? 'not a folder' : (e as Error).message;
      process.stderr.write(`${dir}: ${why}\n`);
      return 1;
    }
    const result = loadPack(files);
    // Join the folder to the file only: the message may hold slashes that path.join would rewrite.
    for (const p of result.problems) process.stdout.write(`${formatProblem({ ...p, file: join(dir, p.file) }, lang)}\n`);
    const errors = result.problems.filter((p) => p.severity === 'error').length;
    process.stdout.write(errors ? `${errors} error(s)\n` : `${dir}: valid (${Object.keys(result.pack?.processes ?? {}).length} processes, ${Object.keys(result.pack?.records ?? {}).length} record types)\n`);
    return errors ? 1 : 0;
  }
  if (command === 'serve') {
    const server = await startServer(loadConfig());
    process.stdout.write(`civic-flow is running at ${server.url}/ (pack ${server.packs.packId} v${server.packs.active().version}, data in ${loadConfig().dataDir})\n`);
    const stop = () => void server.close().then(() => process.exit(0));
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    return -1;
  }
  if (command === 'export-pack') {
    const out = args.find((a) => !a.startsWith('--') && a !== flag(args, '--version'));
    if (!out) usage();
    const runtime = await createRuntime({ ...loadConfig(), seedDemo: false });
    try {
      const v = flag(args, '--version');
      if (args.includes('--version') && (v === undefined || !/^\d+$/.test(v))) {
        process.stderr.write(`--version needs a version number, e.g. --version 2 (got ${v ?? 'nothing'})\n`);
        return 2;
      }
      const version = v ? Number(v) : runtime.packs.active().version;
      const row = runtime.store.getPackVersion(runtime.packs.packId, version);
      if (!row) {
        process.stderr.write(`No version ${version} of pack ${runtime.packs.packId}\n`);
        return 1;
      }
      for (const [file, text] of Object.entries(row.files)) {
        const target = join(resolve(out), file);
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, text);
      }
      process.stdout.write(`Exported ${runtime.packs.packId} v${version} (${Object.keys(row.files).length} files) to ${out}\n`);
      return 0;
    } finally {
      await runtime.close();
    }
  }
  if (command === 'import') {
    const [what, ...rest] = args;
    const dir = rest.find((a) => !a.startsWith('--'));
    if (what !== 'kbo' || !dir) usage();
    const mode = rest.includes('--update') ? 'update' : 'full';
    const config = loadConfig();
    const store = openKboStore(config.dataDir);
    try {
      process.stdout.write(`Importing the KBO extract ${dir} (${mode}) into ${join(config.dataDir, 'kbo.sqlite')}\n`);
      const result = await store.importDir(resolve(dir), mode, (file, rows, done) => {
        process.stdout.write(done ? `  ${file}: ${rows} rows\n` : `  ${file}: ${rows} rows…\n`);
      });
      process.stdout.write(`Done in ${result.durationMs} ms: ${result.enterprises} enterprises in the lookup\n`);
      return 0;
    } catch (e) {
      if (e instanceof KboImportError) {
        process.stderr.write(`${e.messages.fr}\n${e.messages.nl}\n`);
        return 1;
      }
      throw e;
    } finally {
      store.close();
    }
  }
  usage();
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      if (code >= 0) process.exit(code);
    },
    (e: unknown) => {
      process.stderr.write(`${e instanceof ConfigError ? 'Configuration error: ' : ''}${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    },
  );
}
