/**
 * SQLite opened with the durability settings shared by the durable peers, so
 * "durable" means the same thing in each of them (and in our engine's run).
 */
import Database from 'better-sqlite3';

export function openDurableDb(file: string): Database.Database {
  const db = new Database(file);
  // pragma() returns what SQLite actually applied; WAL silently falls back on
  // some filesystems, and a benchmark that measured rollback-journal commits
  // under a WAL label would be wrong.
  const mode = db.pragma('journal_mode = WAL', { simple: true });
  if (mode !== 'wal') throw new Error(`${file}: journal_mode is ${String(mode)}, expected wal`);
  // FULL: fsync the WAL at every commit, so a committed event survives power loss.
  db.pragma('synchronous = FULL');
  const sync = db.pragma('synchronous', { simple: true });
  if (sync !== 2) throw new Error(`${file}: synchronous is ${String(sync)}, expected 2 (FULL)`);
  return db;
}
