/**
 * The record store: instances, their history, timers and the outbox, in transactions.
 *
 * The port is synchronous inside a batch: the runtime applies a group of events in one
 * store transaction, each in its own savepoint, then acknowledges them after one durable
 * commit (see docs/adr/0003-synchronous-store-port.md).
 *
 * @example
 *   const result = store.writeBatch((tx) => tx.savepoint(() => {
 *     const row = tx.getInstance(id);
 *     tx.updateInstance({ ...row, version: row.version + 1 }, row);
 *   }));
 */
import type { InstanceSnapshot } from '../../engine/instance';
import type { LocalizedText } from '../../engine/errors';

export interface InstanceRow {
  id: string;
  recordType: string;
  process: string;
  packId: string;
  packVersion: number;
  xstateVersion: string;
  title: string | null;
  snapshot: InstanceSnapshot;
  status: string;
  reason: LocalizedText | null;
  step: string | null;
  states: string[];
  owner: string | null;
  queue: string | null;
  team: string | null;
  done: boolean;
  version: number;
  createdAt: string;
  updatedAt: string;
  createdBy: string;
}

export interface HistoryRow {
  instanceId: string;
  version: number;
  at: string;
  actor: string;
  eventType: string;
  data: Record<string, unknown>;
  changes: Array<{ field: string; before: unknown; after: unknown }>;
  fromStates: string[];
  toStates: string[];
}

export interface TimerRow {
  instanceId: string;
  key: string;
  eventType: string;
  dueAt: number;
  leaseOwner: string | null;
  leaseUntil: number | null;
}

export interface OutboxRow {
  id: number;
  instanceId: string | null;
  kind: string;
  payload: Record<string, unknown>;
  idempotencyKey: string;
  status: 'pending' | 'done' | 'dead';
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  createdAt: string;
}

export interface PackVersionRow {
  packId: string;
  version: number;
  status: 'draft' | 'published' | 'superseded';
  files: Record<string, string>;
  createdAt: string;
  createdBy: string;
  publishedAt: string | null;
}

export interface UserRow {
  id: string;
  username: string;
  displayName: string;
  passwordHash: string;
  roles: string[];
  language: 'fr' | 'nl' | 'en';
  /** Where alerts (process notifications) are also mailed; none: in-app only. */
  email?: string | null;
}

export interface InstanceQuery {
  recordTypes: string[];
  filters: Partial<Record<'status' | 'queue' | 'owner' | 'team' | 'step' | 'process', string>>;
  /** Equality on record fields (enum, text, boolean as 'true'/'false'). */
  fieldFilters?: Record<string, string>;
  /** Free text over the title. */
  text?: string;
  /** A built-in column, or `field:<name>` for a record field. */
  sort: 'createdAt' | 'updatedAt' | 'title' | 'status' | 'step' | 'owner' | 'queue' | `field:${string}`;
  direction: 'asc' | 'desc';
  limit: number;
  offset: number;
}

/** A message in or out of a record (mail, web form, comment, chat…), for threading and the 360° view. */
export interface MessageRow {
  id: string;
  recordId: string;
  direction: 'in' | 'out';
  channel: string;
  /** RFC 5322 Message-ID (or the channel's own id), used to thread replies. */
  messageId: string | null;
  inReplyTo: string | null;
  references: string[];
  from: string;
  to: string[];
  subject: string;
  text: string;
  /** Sanitised HTML, never the sender's raw markup. */
  html: string | null;
  attachments: Array<{ id: string; name: string; size: number; contentType: string }>;
  at: string;
}

/** A text of a work note as it was before an edit: who wrote it and when. */
export interface NoteRevision {
  text: string;
  at: string;
  by: string;
  version: number;
}

/** A work note on a record (TR-6/7): the current text, and every earlier text of it. */
export interface NoteRow {
  id: string;
  recordId: string;
  author: string;
  text: string;
  createdAt: string;
  updatedAt: string;
  updatedBy: string;
  /** 1 when written, +1 per edit: an edit names the version it changes (optimistic concurrency). */
  version: number;
  /** Earlier texts, oldest first; empty for a note never edited. */
  revisions: NoteRevision[];
}

export interface StoreTx {
  getInstance(id: string): InstanceRow | null;
  insertInstance(row: InstanceRow): void;
  /**
   * Writes `row` over `previous` (as read in this transaction). False when the stored version
   * is no longer `previous.version`: another writer won. Only changed columns need writing.
   */
  updateInstance(row: InstanceRow, previous: InstanceRow): boolean;
  appendHistory(row: HistoryRow): void;
  setTimer(row: Omit<TimerRow, 'leaseOwner' | 'leaseUntil'>): void;
  deleteTimer(instanceId: string, key: string): void;
  enqueueOutbox(rows: Array<Pick<OutboxRow, 'instanceId' | 'kind' | 'payload' | 'idempotencyKey' | 'nextAttemptAt'>>): void;
  /**
   * Records that the effect with this key was applied, in the same transaction as its event.
   * False when it was already: the caller then applies nothing (at-least-once becomes once).
   */
  claimKey(key: string): boolean;
  insertMessage(row: MessageRow): void;
  /** Runs `fn` in a savepoint: if it throws, only its own writes are undone. */
  savepoint<T>(fn: () => T): T;
}

export interface RecordStore {
  writeBatch<T>(fn: (tx: StoreTx) => T): T;
  getInstance(id: string): InstanceRow | null;
  listInstances(q: InstanceQuery): { rows: InstanceRow[]; total: number };
  getHistory(instanceId: string): HistoryRow[];
  countInstances(): number;

  claimDueTimers(now: number, owner: string, leaseMs: number, limit: number): TimerRow[];
  listTimers(limit: number): TimerRow[];
  claimOutbox(now: number, owner: string, leaseMs: number, limit: number): OutboxRow[];
  completeOutbox(id: number): void;
  failOutbox(id: number, error: string, nextAttemptAt: number, dead: boolean): void;
  retryOutbox(id: number, now: number): boolean;
  listOutbox(status: OutboxRow['status'] | null, limit: number): OutboxRow[];

  savePackVersion(row: PackVersionRow): void;
  listPackVersions(packId: string | null): PackVersionRow[];
  getPackVersion(packId: string, version: number): PackVersionRow | null;
  publishPackVersion(packId: string, version: number, at: string): void;

  upsertUser(row: UserRow): void;
  getUserByName(username: string): UserRow | null;
  getUser(id: string): UserRow | null;
  listUsers(): UserRow[];
  setUserLanguage(id: string, language: UserRow['language']): void;
  createSession(tokenHash: string, userId: string, expiresAt: number): void;
  getSession(tokenHash: string, now: number): { userId: string } | null;
  deleteSession(tokenHash: string): void;

  /** Local mail and notification sinks (the embedded default delivery). */
  /** Keeps a delivery once per key: false when that key was already delivered. */
  recordDelivery(kind: 'mail' | 'notification' | 'relayed', key: string, row: Record<string, unknown>): boolean;
  /** The delivery kept under this key (keys are unique across kinds), or null. */
  getDelivery(key: string): Record<string, unknown> | null;
  listDeliveries(kind: 'mail' | 'notification', limit: number): Array<Record<string, unknown>>;

  /** The record a message belongs to, from any of the given Message-IDs. */
  findRecordByMessageId(messageIds: string[]): string | null;
  listMessages(recordId: string): MessageRow[];

  /**
   * Work notes (TR-6/7). `insertNote` keeps one note per (record, author, idempotency key):
   * a retried add returns the note stored the first time instead of a second one.
   */
  insertNote(row: NoteRow, idempotencyKey: string | null): { row: NoteRow; created: boolean };
  getNote(id: string): NoteRow | null;
  /** Notes of a record, oldest first. */
  listNotes(recordId: string): NoteRow[];
  /** Writes `row` if the stored note is still at `expectedVersion`; false when another edit won. */
  updateNote(row: NoteRow, expectedVersion: number): boolean;

  /**
   * Personal calendar feed tokens (TR-30): calendar apps cannot log in, so a user's .ics feed
   * URL carries a secret, kept here only as its hash. One per user: setting a new one revokes
   * the old one.
   */
  setCalendarToken(userId: string, tokenHash: string, at: string): void;
  /** The user id of a feed token's hash; null when unknown or revoked. */
  userOfCalendarToken(tokenHash: string): string | null;

  close(): void;
}
