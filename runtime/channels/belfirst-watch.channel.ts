/**
 * The Belfirst watched folder (BELFIRST_WATCH_DIR, '' = off): polled every
 * BELFIRST_WATCH_POLL_MS; an .xlsx dropped there is imported as the system (with the census
 * agent's rights) once its size has stopped changing (a copy in progress is left alone), then
 * moved to `done/` or `failed/` next to a `.log` saying what happened.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Actor } from '../../engine/expressions';
import { ImportRefusal, sharedBelfirstImport } from '../services/belfirst-import.service';
import type { ChannelListener } from './channels';

const SYSTEM: Actor = { id: 'system', roles: ['system', 'census-agent'] };

/** A free name in `dir`: `name`, else `<stamp>-name`. */
function freeName(dir: string, name: string, stamp: string): string {
  return existsSync(join(dir, name)) ? `${stamp}-${name}` : name;
}

export const belfirstWatchListener: ChannelListener = {
  name: 'belfirst-watch',
  async start(ctx) {
    const dir = ctx.config.belfirstWatchDir;
    if (!dir) return { close: async () => undefined };
    mkdirSync(dir, { recursive: true });
    const done = join(dir, 'done');
    const failed = join(dir, 'failed');
    mkdirSync(done, { recursive: true });
    mkdirSync(failed, { recursive: true });
    const sizes = new Map<string, number>();
    let busy = false;
    let closed = false;

    const handle = async (name: string): Promise<void> => {
      const path = join(dir, name);
      const stamp = new Date(ctx.clock()).toISOString().replace(/[:.]/g, '-');
      let ok = false;
      let report: Record<string, unknown>;
      try {
        const file = readFileSync(path);
        const r = await sharedBelfirstImport({ store: ctx.runtime.store, packs: ctx.runtime.packs, records: ctx.runtime.records, clock: ctx.clock, logFile: join(ctx.config.dataDir, 'imports', 'imports.log.jsonl') }).commit(SYSTEM, 'belfirst', file, basename(name));
        ok = true;
        report = { ok, fileName: name, sha256: r.sha256, created: r.created, existing: r.totals.existing, duplicate: r.totals.duplicate, errors: r.errors, unknownColumns: r.columns.unknown, missingColumns: r.columns.missing, rowErrors: r.rows.filter((x) => x.status === 'error').map((x) => ({ row: x.row, key: x.key, messages: x.errors.map((e) => ({ fr: e.fr, nl: e.nl })) })) };
      } catch (err) {
        report = err instanceof ImportRefusal ? { ok, fileName: name, code: err.code, fr: err.localized.fr, nl: err.localized.nl, details: err.details } : { ok, fileName: name, code: 'import-failed', error: err instanceof Error ? err.message : String(err) };
        ctx.log(`belfirst import of ${name} failed`, err);
      }
      const target = ok ? done : failed;
      const moved = freeName(target, name, stamp);
      renameSync(path, join(target, moved));
      writeFileSync(join(target, `${moved}.log`), `${JSON.stringify({ at: new Date(ctx.clock()).toISOString(), ...report }, null, 2)}\n`);
    };

    const poll = async (): Promise<void> => {
      if (busy || closed) return;
      busy = true;
      try {
        const names = readdirSync(dir).filter((n) => /\.xlsx$/i.test(n) && !n.startsWith('.') && !n.startsWith('~$'));
        for (const n of [...sizes.keys()]) if (!names.includes(n)) sizes.delete(n);
        for (const name of names) {
          if (closed) break;
          let size: number;
          try {
            const st = statSync(join(dir, name));
            if (!st.isFile()) continue;
            size = st.size;
          } catch {
            continue;
          }
          // Imported once its size is the same on two polls in a row: not while it is being copied.
          if (sizes.get(name) !== size) {
            sizes.set(name, size);
            continue;
          }
          sizes.delete(name);
          await handle(name);
        }
      } catch (err) {
        ctx.log('belfirst watched folder poll failed', err);
      } finally {
        busy = false;
      }
    };
    const timer = setInterval(() => void poll(), ctx.config.belfirstWatchPollMs);
    timer.unref();
    return {
      info: { belfirstWatchDir: dir },
      close: async () => {
        closed = true;
        clearInterval(timer);
        while (busy) await new Promise((r) => setTimeout(r, 20));
      },
    };
  },
};
