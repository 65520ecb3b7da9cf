/**
 * The embedded default store: one SQLite file through better-sqlite3, WAL mode,
 * synchronous=FULL so that an acknowledged commit survives a power cut
 * (https://www.sqlite.org/pragma.html#pragma_synchronous).
 */
import Database from 'better-sqlite3';
import type {
  HistoryRow,
  InstanceQuery,
  InstanceRow,
  MessageRow,
  NoteRow,
  OutboxRow,
  PackVersionRow,
  RecordStore,
  StoreTx,
  TimerRow,
  UserRow,
} from '../../runtime/ports/record-store.port';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS instances (
  id TEXT PRIMARY KEY, record_type TEXT NOT NULL, process TEXT NOT NULL, pack_id TEXT NOT NULL,
  pack_version INTEGER NOT NULL, xstate_version TEXT NOT NULL, title TEXT, snapshot TEXT NOT NULL,
  status TEXT NOT NULL, reason TEXT, step TEXT, states TEXT NOT NULL, owner TEXT, queue TEXT, team TEXT,
  done INTEGER NOT NULL, version INTEGER NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL, created_by TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS instances_type_status ON instances(record_type, status, created_at);
CREATE INDEX IF NOT EXISTS instances_queue ON instances(queue, created_at);
CREATE INDEX IF NOT EXISTS instances_owner ON instances(owner, created_at);
CREATE INDEX IF NOT EXISTS instances_created ON instances(record_type, created_at);
CREATE INDEX IF NOT EXISTS instances_updated ON instances(record_type, updated_at);
CREATE TABLE IF NOT EXISTS history (
  instance_id TEXT NOT NULL, version INTEGER NOT NULL, at TEXT NOT NULL, actor TEXT NOT NULL, event_type TEXT NOT NULL,
  data TEXT NOT NULL, changes TEXT NOT NULL, from_states TEXT NOT NULL, to_states TEXT NOT NULL,
  PRIMARY KEY (instance_id, version)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS timers (
  instance_id TEXT NOT NULL, key TEXT NOT NULL, event_type TEXT NOT NULL, due_at INTEGER NOT NULL,
  lease_owner TEXT, lease_until INTEGER, PRIMARY KEY (instance_id, key)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS timers_due ON timers(due_at);
CREATE TABLE IF NOT EXISTS outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT, instance_id TEXT, kind TEXT NOT NULL, payload TEXT NOT NULL,
  idempotency_key TEXT NOT NULL UNIQUE, status TEXT NOT NULL DEFAULT 'pending', attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL, last_error TEXT, created_at TEXT NOT NULL, lease_owner TEXT, lease_until INTEGER
);
CREATE INDEX IF NOT EXISTS outbox_due ON outbox(status, next_attempt_at);
CREATE TABLE IF NOT EXISTS packs (
  pack_id TEXT NOT NULL, version INTEGER NOT NULL, status TEXT NOT NULL, files TEXT NOT NULL,
  created_at TEXT NOT NULL, created_by TEXT NOT NULL, published_at TEXT, PRIMARY KEY (pack_id, version)
);
CREATE TABLE IF NOT EXISTS users (
  id TEXT PRIMARY KEY, username TEXT NOT NULL UNIQUE, display_name TEXT NOT NULL, password_hash TEXT NOT NULL,
  roles TEXT NOT NULL, language TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (token_hash TEXT PRIMARY KEY, user_id TEXT NOT NULL, expires_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS deliveries (id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, at TEXT NOT NULL, body TEXT NOT NULL, key TEXT);
CREATE TABLE IF NOT EXISTS messages (
  id TEXT PRIMARY KEY, record_id TEXT NOT NULL, direction TEXT NOT NULL, channel TEXT NOT NULL, message_id TEXT,
  body TEXT NOT NULL, at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS messages_record ON messages(record_id, at);

CREATE TABLE IF NOT EXISTS applied_keys (key TEXT PRIMARY KEY, at TEXT NOT NULL) WITHOUT ROWID;
`;

// Work notes (TR-6/7): earlier texts stay in `revisions` (JSON); the key makes a retried add
// (an offline device syncing twice) store one note. NULL keys never collide in a UNIQUE index.
const NOTES_SCHEMA = `
CREATE TABLE IF NOT EXISTS notes (
  id TEXT PRIMARY KEY, record_id TEXT NOT NULL, author TEXT NOT NULL, text TEXT NOT NULL,
  created_at TEXT NOT NULL, updated_at TEXT NOT NULL, updated_by TEXT NOT NULL, version INTEGER NOT NULL,
  revisions TEXT NOT NULL, idempotency_key TEXT
);
CREATE INDEX IF NOT EXISTS notes_record ON notes(record_id, created_at);
CREATE UNIQUE INDEX IF NOT EXISTS notes_idempotency ON notes(record_id, author, idempotency_key);
`;

// Calendar feed tokens (TR-30): one per user, hashed; a new one replaces (revokes) the old.
const CALENDAR_TOKENS_SCHEMA = `
CREATE TABLE IF NOT EXISTS calendar_tokens (user_id TEXT PRIMARY KEY, token_hash TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL) WITHOUT ROWID;
`;

interface NoteDbRow { id: string; record_id: string; author: string; text: string; created_at: string; updated_at: string; updated_by: string; version: number; revisions: string }
const toNote = (r: NoteDbRow): NoteRow => ({
  id: r.id, recordId: r.record_id, author: r.author, text: r.text, createdAt: r.created_at, updatedAt: r.updated_at,
  updatedBy: r.updated_by, version: r.version, revisions: JSON.parse(r.revisions) as NoteRow['revisions'],
});

interface InstanceDbRow {
  id: string; record_type: string; process: string; pack_id: string; pack_version: number; xstate_version: string;
  title: string | null; snapshot: string; status: string; reason: string | null; step: string | null; states: string;
  owner: string | null; queue: string | null; team: string | null; done: number; version: number;
  created_at: string; updated_at: string; created_by: string;
}

function toInstance(r: InstanceDbRow): InstanceRow {
  return {
    id: r.id, recordType: r.record_type, process: r.process, packId: r.pack_id, packVersion: r.pack_version,
    xstateVersion: r.xstate_version, title: r.title, snapshot: JSON.parse(r.snapshot) as InstanceRow['snapshot'],
    status: r.status, reason: r.reason ? (JSON.parse(r.reason) as InstanceRow['reason']) : null, step: r.step,
    states: JSON.parse(r.states) as string[], owner: r.owner, queue: r.queue, team: r.team, done: r.done === 1,
    version: r.version, createdAt: r.created_at, updatedAt: r.updated_at, createdBy: r.created_by,
  };
}

function instanceParams(row: InstanceRow): Record<string, unknown> {
  return {
    id: row.id, record_type: row.recordType, process: row.process, pack_id: row.packId, pack_version: row.packVersion,
    xstate_version: row.xstateVersion, title: row.title, snapshot: JSON.stringify(row.snapshot), status: row.status,
    reason: row.reason ? JSON.stringify(row.reason) : null, step: row.step, states: JSON.stringify(row.states),
    owner: row.owner, queue: row.queue, team: row.team, done: row.done ? 1 : 0, version: row.version,
    created_at: row.createdAt, updated_at: row.updatedAt, created_by: row.createdBy,
  };
}

interface TimerDbRow { instance_id: string; key: string; event_type: string; due_at: number; lease_owner: string | null; lease_until: number | null }
const toTimer = (r: TimerDbRow): TimerRow => ({ instanceId: r.instance_id, key: r.key, eventType: r.event_type, dueAt: r.due_at, leaseOwner: r.lease_owner, leaseUntil: r.lease_until });

interface OutboxDbRow { id: number; instance_id: string | null; kind: string; payload: string; idempotency_key: string; status: OutboxRow['status']; attempts: number; next_attempt_at: number; last_error: string | null; created_at: string }
const toOutbox = (r: OutboxDbRow): OutboxRow => ({
  id: r.id, instanceId: r.instance_id, kind: r.kind, payload: JSON.parse(r.payload) as Record<string, unknown>, idempotencyKey: r.idempotency_key,
  status: r.status, attempts: r.attempts, nextAttemptAt: r.next_attempt_at, lastError: r.last_error, createdAt: r.created_at,
});

const SORT_COLUMNS: Record<string, string> = { createdAt: 'created_at', updatedAt: 'updated_at', title: 'title', status: 'status', step: 'step', owner: 'owner', queue: 'queue' };
const fieldPath = (name: string): string => `$.context.fields.${name.replace(/[^a-z0-9_]/g, '')}`;

export interface SqliteStoreOptions {
  /** FULL by default; NORMAL only for throwaway data (it may lose the last commits on power loss). */
  synchronous?: 'FULL' | 'NORMAL';
}

export function openSqliteStore(file: string, options: SqliteStoreOptions = {}): RecordStore {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  // A page cache that holds the hot part of the indexes at 200k+ records (the default is 2 MB),
  // and reads through the memory map instead of a syscall per page.
  db.pragma('cache_size = -65536');
  db.pragma('mmap_size = 268435456');
  db.pragma('temp_store = MEMORY');
  db.exec(SCHEMA);
  db.exec(NOTES_SCHEMA);
  db.exec(CALENDAR_TOKENS_SCHEMA);
  // One message per Message-ID (many have none): two processes receiving the same mail at once
  // cannot both store it; the loser's transaction fails and its sender retries. A store made
  // before this rule that already holds duplicates keeps a plain index rather than not starting.
  try {
    db.exec('CREATE UNIQUE INDEX IF NOT EXISTS messages_message_id_unique ON messages(message_id)');
    db.exec('DROP INDEX IF EXISTS messages_message_id');
  } catch {
    db.exec('CREATE INDEX IF NOT EXISTS messages_message_id ON messages(message_id)');
  }
  // Stores made before deliveries had a key get the column (SQLite has no ADD COLUMN IF NOT EXISTS).
  const deliveryColumns = db.prepare<[], { name: string }>("SELECT name FROM pragma_table_info('deliveries')").all().map((c) => c.name);
  if (!deliveryColumns.includes('key')) db.exec('ALTER TABLE deliveries ADD COLUMN key TEXT');
  db.exec('CREATE UNIQUE INDEX IF NOT EXISTS deliveries_key ON deliveries(key)');
  // Stores made before users had an email address (alerts by mail, TR-17) get the column.
  const userColumns = db.prepare<[], { name: string }>("SELECT name FROM pragma_table_info('users')").all().map((c) => c.name);
  if (!userColumns.includes('email')) db.exec('ALTER TABLE users ADD COLUMN email TEXT');

  const st = {
    getInstance: db.prepare<[string], InstanceDbRow>('SELECT * FROM instances WHERE id = ?'),
    insertInstance: db.prepare(`INSERT INTO instances (id, record_type, process, pack_id, pack_version, xstate_version, title, snapshot, status, reason, step, states, owner, queue, team, done, version, created_at, updated_at, created_by)
      VALUES (@id, @record_type, @process, @pack_id, @pack_version, @xstate_version, @title, @snapshot, @status, @reason, @step, @states, @owner, @queue, @team, @done, @version, @created_at, @updated_at, @created_by)`),
    appendHistory: db.prepare('INSERT INTO history (instance_id, version, at, actor, event_type, data, changes, from_states, to_states) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)'),
    getHistory: db.prepare<[string], { instance_id: string; version: number; at: string; actor: string; event_type: string; data: string; changes: string; from_states: string; to_states: string }>('SELECT * FROM history WHERE instance_id = ? ORDER BY version'),
    setTimer: db.prepare('INSERT INTO timers (instance_id, key, event_type, due_at) VALUES (?, ?, ?, ?) ON CONFLICT(instance_id, key) DO UPDATE SET event_type=excluded.event_type, due_at=excluded.due_at, lease_owner=NULL, lease_until=NULL'),
    deleteTimer: db.prepare('DELETE FROM timers WHERE instance_id = ? AND key = ?'),
    dueTimers: db.prepare<[number, number, number], TimerDbRow>('SELECT * FROM timers WHERE due_at <= ? AND (lease_until IS NULL OR lease_until < ?) ORDER BY due_at LIMIT ?'),
    leaseTimer: db.prepare('UPDATE timers SET lease_owner = ?, lease_until = ? WHERE instance_id = ? AND key = ?'),
    listTimers: db.prepare<[number], TimerDbRow>('SELECT * FROM timers ORDER BY due_at LIMIT ?'),
    enqueue: db.prepare('INSERT OR IGNORE INTO outbox (instance_id, kind, payload, idempotency_key, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?)'),
    dueOutbox: db.prepare<[number, number, number], OutboxDbRow>("SELECT * FROM outbox WHERE status = 'pending' AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until < ?) ORDER BY id LIMIT ?"),
    leaseOutbox: db.prepare('UPDATE outbox SET lease_owner = ?, lease_until = ? WHERE id = ?'),
    completeOutbox: db.prepare("UPDATE outbox SET status = 'done', lease_owner = NULL, lease_until = NULL, attempts = attempts + 1 WHERE id = ?"),
    failOutbox: db.prepare('UPDATE outbox SET status = ?, attempts = attempts + 1, last_error = ?, next_attempt_at = ?, lease_owner = NULL, lease_until = NULL WHERE id = ?'),
    retryOutbox: db.prepare("UPDATE outbox SET status = 'pending', next_attempt_at = ?, attempts = 0 WHERE id = ? AND status = 'dead'"),
    countInstances: db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM instances'),
    savePack: db.prepare('INSERT OR REPLACE INTO packs (pack_id, version, status, files, created_at, created_by, published_at) VALUES (?, ?, ?, ?, ?, ?, ?)'),
    supersede: db.prepare("UPDATE packs SET status = 'superseded' WHERE pack_id = ? AND status = 'published'"),
    publish: db.prepare("UPDATE packs SET status = 'published', published_at = ? WHERE pack_id = ? AND version = ?"),
    upsertUser: db.prepare('INSERT INTO users (id, username, display_name, password_hash, roles, language, email) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET username=excluded.username, display_name=excluded.display_name, password_hash=excluded.password_hash, roles=excluded.roles, email=excluded.email'),
    userByName: db.prepare<[string], { id: string; username: string; display_name: string; password_hash: string; roles: string; language: UserRow['language']; email: string | null }>('SELECT * FROM users WHERE username = ?'),
    userById: db.prepare<[string], { id: string; username: string; display_name: string; password_hash: string; roles: string; language: UserRow['language']; email: string | null }>('SELECT * FROM users WHERE id = ?'),
    setLanguage: db.prepare('UPDATE users SET language = ? WHERE id = ?'),
    createSession: db.prepare('INSERT INTO sessions (token_hash, user_id, expires_at) VALUES (?, ?, ?)'),
    getSession: db.prepare<[string, number], { user_id: string }>('SELECT user_id FROM sessions WHERE token_hash = ? AND expires_at > ?'),
    deleteSession: db.prepare('DELETE FROM sessions WHERE token_hash = ?'),
    delivery: db.prepare('INSERT OR IGNORE INTO deliveries (kind, at, body, key) VALUES (?, ?, ?, ?)'),
    insertMessage: db.prepare('INSERT INTO messages (id, record_id, direction, channel, message_id, body, at) VALUES (?, ?, ?, ?, ?, ?, ?)'),
    messagesOf: db.prepare<[string], { body: string }>('SELECT body FROM messages WHERE record_id = ? ORDER BY at, rowid'),
    claimKey: db.prepare('INSERT OR IGNORE INTO applied_keys (key, at) VALUES (?, ?)'),
    savepoint: db.prepare('SAVEPOINT event'),
    release: db.prepare('RELEASE event'),
    rollbackTo: db.prepare('ROLLBACK TO event'),
    deliveries: db.prepare<[string, number], { id: number; at: string; body: string }>('SELECT * FROM deliveries WHERE kind = ? ORDER BY id DESC LIMIT ?'),
    deliveryByKey: db.prepare<[string], { id: number; at: string; body: string }>('SELECT * FROM deliveries WHERE key = ?'),
  };

  const notes = {
    insert: db.prepare(`INSERT OR IGNORE INTO notes (id, record_id, author, text, created_at, updated_at, updated_by, version, revisions, idempotency_key)
      VALUES (@id, @record_id, @author, @text, @created_at, @updated_at, @updated_by, @version, @revisions, @idempotency_key)`),
    byKey: db.prepare<[string, string, string], NoteDbRow>('SELECT * FROM notes WHERE record_id = ? AND author = ? AND idempotency_key = ?'),
    get: db.prepare<[string], NoteDbRow>('SELECT * FROM notes WHERE id = ?'),
    list: db.prepare<[string], NoteDbRow>('SELECT * FROM notes WHERE record_id = ? ORDER BY created_at, rowid'),
    update: db.prepare('UPDATE notes SET text = ?, updated_at = ?, updated_by = ?, version = ?, revisions = ? WHERE id = ? AND version = ?'),
  };

  const UPDATABLE = ['title', 'snapshot', 'status', 'reason', 'step', 'states', 'owner', 'queue', 'team', 'done', 'version', 'updated_at'] as const;
  const updates = new Map<string, Database.Statement>();
  const updateStatement = (columns: readonly string[]): Database.Statement => {
    const key = columns.join(',');
    let stmt = updates.get(key);
    if (!stmt) {
      stmt = db.prepare(`UPDATE instances SET ${columns.map((c) => `${c}=@${c}`).join(', ')} WHERE id=@id AND version=@expected`);
      updates.set(key, stmt);
    }
    return stmt;
  };

  const tx: StoreTx = {
    getInstance: (id) => {
      const r = st.getInstance.get(id);
      return r ? toInstance(r) : null;
    },
    insertInstance: (row) => void st.insertInstance.run(instanceParams(row)),
    updateInstance: (row, previous) => {
      const next = instanceParams(row);
      const before = instanceParams(previous);
      // Only the columns that changed: an unchanged indexed column (status, queue, owner)
      // then costs no index write.
      const changed = UPDATABLE.filter((c) => next[c] !== before[c]);
      return updateStatement(changed).run({ ...next, expected: previous.version }).changes === 1;
    },
    appendHistory: (h) =>
      void st.appendHistory.run(h.instanceId, h.version, h.at, h.actor, h.eventType, JSON.stringify(h.data), JSON.stringify(h.changes), JSON.stringify(h.fromStates), JSON.stringify(h.toStates)),
    setTimer: (t) => void st.setTimer.run(t.instanceId, t.key, t.eventType, t.dueAt),
    deleteTimer: (id, key) => void st.deleteTimer.run(id, key),
    claimKey: (key) => st.claimKey.run(key, new Date().toISOString()).changes === 1,
    insertMessage: (m) => void st.insertMessage.run(m.id, m.recordId, m.direction, m.channel, m.messageId, JSON.stringify(m), m.at),
    enqueueOutbox: (rows) => {
      const now = new Date().toISOString();
      for (const r of rows) st.enqueue.run(r.instanceId, r.kind, JSON.stringify(r.payload), r.idempotencyKey, r.nextAttemptAt, now);
    },
    // Plain prepared SAVEPOINT statements: cheaper than a nested db.transaction() wrapper per call.
    savepoint: (fn) => {
      st.savepoint.run();
      try {
        const result = fn();
        st.release.run();
        return result;
      } catch (e) {
        st.rollbackTo.run();
        st.release.run();
        throw e;
      }
    },
  };

  const mapUser = (r: { id: string; username: string; display_name: string; password_hash: string; roles: string; language: UserRow['language']; email: string | null }): UserRow => ({
    id: r.id, username: r.username, displayName: r.display_name, passwordHash: r.password_hash, roles: JSON.parse(r.roles) as string[], language: r.language, email: r.email ?? null,
  });

  const store: RecordStore = {
    // IMMEDIATE takes the write lock up front, so two processes never deadlock upgrading a read.
    writeBatch: (fn) => db.transaction(() => fn(tx)).immediate(),
    getInstance: tx.getInstance,
    listInstances: (q) => {
      const where: string[] = [];
      const params: unknown[] = [];
      if (q.recordTypes.length === 0) return { rows: [], total: 0 };
      where.push(`record_type IN (${q.recordTypes.map(() => '?').join(',')})`);
      params.push(...q.recordTypes);
      for (const [k, v] of Object.entries(q.filters)) {
        if (v === undefined) continue;
        const col = { status: 'status', queue: 'queue', owner: 'owner', team: 'team', step: 'step', process: 'process' }[k];
        if (!col) continue;
        where.push(`${col} = ?`);
        params.push(v);
      }
      for (const [f, v] of Object.entries(q.fieldFilters ?? {})) {
        // Booleans are stored as JSON true/false; everything else compares as text.
        where.push("CAST(json_extract(snapshot, ?) AS TEXT) = ?");
        params.push(fieldPath(f), v === 'true' ? '1' : v === 'false' ? '0' : v);
      }
      if (q.text) {
        where.push("title LIKE ? ESCAPE '\\'");
        params.push(`%${q.text.replace(/[\\%_]/g, (m) => '\\' + m)}%`);
      }
      const w = where.join(' AND ');
      const total = (db.prepare(`SELECT COUNT(*) AS n FROM instances WHERE ${w}`).get(...params) as { n: number }).n;
      const dir = q.direction === 'asc' ? 'ASC' : 'DESC';
      const sortParams: unknown[] = [];
      let order = SORT_COLUMNS[q.sort] ?? 'created_at';
      if (q.sort.startsWith('field:')) {
        order = 'json_extract(snapshot, ?)';
        sortParams.push(fieldPath(q.sort.slice(6)));
      }
      const rows = db
        .prepare(`SELECT * FROM instances WHERE ${w} ORDER BY ${order} ${dir}, id ${dir} LIMIT ? OFFSET ?`)
        .all(...params, ...sortParams, q.limit, q.offset) as InstanceDbRow[];
      return { rows: rows.map(toInstance), total };
    },
    getHistory: (id) =>
      st.getHistory.all(id).map((r): HistoryRow => ({
        instanceId: r.instance_id, version: r.version, at: r.at, actor: r.actor, eventType: r.event_type,
        data: JSON.parse(r.data) as Record<string, unknown>, changes: JSON.parse(r.changes) as HistoryRow['changes'],
        fromStates: JSON.parse(r.from_states) as string[], toStates: JSON.parse(r.to_states) as string[],
      })),
    countInstances: () => st.countInstances.get()?.n ?? 0,
    claimDueTimers: (now, owner, leaseMs, limit) =>
      db.transaction(() => {
        const rows = st.dueTimers.all(now, now, limit);
        for (const r of rows) st.leaseTimer.run(owner, now + leaseMs, r.instance_id, r.key);
        return rows.map((r) => ({ ...toTimer(r), leaseOwner: owner, leaseUntil: now + leaseMs }));
      }).immediate(),
    listTimers: (limit) => st.listTimers.all(limit).map(toTimer),
    claimOutbox: (now, owner, leaseMs, limit) =>
      db.transaction(() => {
        const rows = st.dueOutbox.all(now, now, limit);
        for (const r of rows) st.leaseOutbox.run(owner, now + leaseMs, r.id);
        return rows.map(toOutbox);
      }).immediate(),
    completeOutbox: (id) => void st.completeOutbox.run(id),
    failOutbox: (id, error, next, dead) => void st.failOutbox.run(dead ? 'dead' : 'pending', error, next, id),
    retryOutbox: (id, now) => st.retryOutbox.run(now, id).changes === 1,
    listOutbox: (status, limit) =>
      (status
        ? (db.prepare('SELECT * FROM outbox WHERE status = ? ORDER BY id DESC LIMIT ?').all(status, limit) as OutboxDbRow[])
        : (db.prepare('SELECT * FROM outbox ORDER BY id DESC LIMIT ?').all(limit) as OutboxDbRow[])
      ).map(toOutbox),
    savePackVersion: (r) => void st.savePack.run(r.packId, r.version, r.status, JSON.stringify(r.files), r.createdAt, r.createdBy, r.publishedAt),
    listPackVersions: (packId) =>
      (packId
        ? (db.prepare('SELECT * FROM packs WHERE pack_id = ? ORDER BY version').all(packId) as Array<Record<string, unknown>>)
        : (db.prepare('SELECT * FROM packs ORDER BY pack_id, version').all() as Array<Record<string, unknown>>)
      ).map(toPackRow),
    getPackVersion: (packId, version) => {
      const r = db.prepare('SELECT * FROM packs WHERE pack_id = ? AND version = ?').get(packId, version) as Record<string, unknown> | undefined;
      return r ? toPackRow(r) : null;
    },
    publishPackVersion: (packId, version, at) =>
      db.transaction(() => {
        st.supersede.run(packId);
        st.publish.run(at, packId, version);
      }).immediate(),
    upsertUser: (u) => void st.upsertUser.run(u.id, u.username, u.displayName, u.passwordHash, JSON.stringify(u.roles), u.language, u.email ?? null),
    getUserByName: (name) => {
      const r = st.userByName.get(name);
      return r ? mapUser(r) : null;
    },
    getUser: (id) => {
      const r = st.userById.get(id);
      return r ? mapUser(r) : null;
    },
    listUsers: () => (db.prepare('SELECT * FROM users ORDER BY display_name').all() as Array<{ id: string; username: string; display_name: string; password_hash: string; roles: string; language: UserRow['language']; email: string | null }>).map(mapUser),
    setUserLanguage: (id, lang) => void st.setLanguage.run(lang, id),
    createSession: (h, u, exp) => void st.createSession.run(h, u, exp),
    getSession: (h, now) => {
      const r = st.getSession.get(h, now);
      return r ? { userId: r.user_id } : null;
    },
    deleteSession: (h) => void st.deleteSession.run(h),
    recordDelivery: (kind, key, row) => st.delivery.run(kind, new Date().toISOString(), JSON.stringify({ key, ...row }), key).changes === 1,
    getDelivery: (key) => {
      const r = st.deliveryByKey.get(key);
      return r ? { id: r.id, at: r.at, ...(JSON.parse(r.body) as Record<string, unknown>) } : null;
    },
    listDeliveries: (kind, limit) => st.deliveries.all(kind, limit).map((r) => ({ id: r.id, at: r.at, ...(JSON.parse(r.body) as Record<string, unknown>) })),
    findRecordByMessageId: (ids) => {
      if (ids.length === 0) return null;
      const r = db.prepare(`SELECT record_id FROM messages WHERE message_id IN (${ids.map(() => '?').join(',')}) ORDER BY at DESC LIMIT 1`).get(...ids) as { record_id: string } | undefined;
      return r?.record_id ?? null;
    },
    listMessages: (recordId) => st.messagesOf.all(recordId).map((r) => JSON.parse(r.body) as MessageRow),
    insertNote: (n, key) =>
      db.transaction(() => {
        const inserted = notes.insert.run({
          id: n.id, record_id: n.recordId, author: n.author, text: n.text, created_at: n.createdAt, updated_at: n.updatedAt,
          updated_by: n.updatedBy, version: n.version, revisions: JSON.stringify(n.revisions), idempotency_key: key,
        }).changes === 1;
        if (inserted || key === null) return { row: n, created: inserted };
        const existing = notes.byKey.get(n.recordId, n.author, key);
        if (!existing) throw new Error(`note ${n.id} was neither inserted nor found under its key`);
        return { row: toNote(existing), created: false };
      }).immediate(),
    getNote: (id) => {
      const r = notes.get.get(id);
      return r ? toNote(r) : null;
    },
    listNotes: (recordId) => notes.list.all(recordId).map(toNote),
    updateNote: (n, expected) => notes.update.run(n.text, n.updatedAt, n.updatedBy, n.version, JSON.stringify(n.revisions), n.id, expected).changes === 1,
    setCalendarToken: (userId, tokenHash, at) =>
      void db.prepare('INSERT INTO calendar_tokens (user_id, token_hash, created_at) VALUES (?, ?, ?) ON CONFLICT(user_id) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at').run(userId, tokenHash, at),
    userOfCalendarToken: (tokenHash) => (db.prepare('SELECT user_id FROM calendar_tokens WHERE token_hash = ?').get(tokenHash) as { user_id: string } | undefined)?.user_id ?? null,
    close: () => db.close(),
  };
  return store;
}

function toPackRow(r: Record<string, unknown>): PackVersionRow {
  return {
    packId: String(r['pack_id']), version: Number(r['version']), status: r['status'] as PackVersionRow['status'],
    files: JSON.parse(String(r['files'])) as Record<string, string>, createdAt: String(r['created_at']),
    createdBy: String(r['created_by']), publishedAt: r['published_at'] === null ? null : String(r['published_at']),
  };
}
