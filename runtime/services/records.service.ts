/**
 * The use cases on records: create, send an event, read, list, history, fire a timer.
 * Each write is one engine step applied inside the group committer's transaction: snapshot
 * with an optimistic version check, history entry, timer rows and outbox rows together.
 */
import { hasRecordPermission, maySendEvent, readableRecordTypes } from '../../engine/access';
import type { CompiledProcess, EngineEvent, Effect } from '../../engine/compiler';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError, type LocalizedText } from '../../engine/errors';
import { applyEvent, availableEvents, canApply, eventFieldDefs, startInstance, type StepOutcome } from '../../engine/instance';
import type { Actor } from '../../engine/expressions';
import type { InstanceQuery, InstanceRow, MessageRow, RecordStore, StoreTx, TimerRow } from '../ports/record-store.port';
import type { GroupCommitter } from './group-committer';
import type { PacksService } from './packs.service';
import { recordLinks, type RecordLink } from '../../engine/pack';
import { newRecordId } from './record-id';

export const XSTATE_VERSION = '5.33.3';

export interface SendInput {
  type: string;
  data?: Record<string, unknown>;
  expectedVersion?: number;
  /** Applies the event at most once per key (events sent by the outbox). */
  idempotencyKey?: string;
}

export interface RecordChange {
  row: InstanceRow;
  /** The row before the change; null for a new record. */
  previous: InstanceRow | null;
  actor: string;
}

export interface EventView {
  type: string;
  label: LocalizedText;
  fields: Record<string, unknown>;
}

export interface RecordView {
  id: string;
  recordType: string;
  process: string;
  packVersion: number;
  title: string | null;
  fields: Record<string, unknown>;
  status: string;
  statusLabel: LocalizedText | null;
  reason: LocalizedText | null;
  step: string | null;
  progress: Array<{ id: string; label: LocalizedText; state: 'done' | 'current' | 'todo' }>;
  states: string[];
  owner: string | null;
  queue: string | null;
  team: string | null;
  done: boolean;
  version: number;
  createdAt: string;
  updatedAt: string;
  /** Quick links to outside tools, from the pack's URL templates (TR-41..44). */
  links: RecordLink[];
  /** The events this user may send now. */
  events?: EventView[];
}

const BUILTIN_LABELS: Record<string, LocalizedText> = {
  update: { fr: 'Modifier', nl: 'Wijzigen', en: 'Edit' },
  take: { fr: 'Prendre en charge', nl: 'Behandelen', en: 'Take' },
  approve: { fr: 'Approuver', nl: 'Goedkeuren', en: 'Approve' },
  reject: { fr: 'Refuser', nl: 'Weigeren', en: 'Reject' },
  recall: { fr: 'Rappeler', nl: 'Terugroepen', en: 'Recall' },
};

const notFound = (id: string) =>
  new NotFoundError({ fr: `L’enregistrement ${id} n’existe pas.`, nl: `Record ${id} bestaat niet.`, en: `Record ${id} does not exist.` }, { id });

export class RecordsService {
  constructor(
    private readonly store: RecordStore,
    private readonly packs: PacksService,
    private readonly committer: GroupCommitter,
    private readonly clock: () => number,
  ) {}

  private readonly listeners = new Set<(change: RecordChange) => void>();

  /** Called after each durable change (for live screens); returns an unsubscribe function. */
  subscribe(listener: (change: RecordChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private onChange(row: InstanceRow, previous: InstanceRow | null, actor: string): void {
    for (const l of this.listeners) {
      try {
        l({ row, previous, actor });
      } catch {
        // A listener's failure must not turn a committed change into an error for the caller.
      }
    }
  }

  private now(): string {
    return new Date(this.clock()).toISOString();
  }

  /**
   * Creates a record. `messages` (an inbound mail, a form submission…) are stored with it in the
   * same transaction: a case never exists without the message that opened it, nor the reverse.
   */
  async create(actor: Actor, recordType: string, fields: Record<string, unknown>, options: { withEvents?: boolean; messages?: Array<Omit<MessageRow, 'recordId'>> } = {}): Promise<RecordView> {
    const { pack, version } = this.packs.active();
    if (!pack.records[recordType]) {
      throw new NotFoundError({ fr: `Type d’enregistrement inconnu « ${recordType} ».`, nl: `Onbekend recordtype "${recordType}".`, en: `Unknown record type "${recordType}".` });
    }
    if (!hasRecordPermission(pack, actor.roles, recordType, 'create')) {
      throw new ForbiddenError({ fr: `Vous ne pouvez pas créer de « ${pack.records[recordType]?.label.fr} ».`, nl: `U mag geen "${pack.records[recordType]?.label.nl}" aanmaken.`, en: `You may not create ${recordType} records.` });
    }
    const process = this.packs.processFor(version, recordType);
    if (!process) throw new NotFoundError({ fr: `Aucun processus pour « ${recordType} ».`, nl: `Geen proces voor "${recordType}".`, en: `No process for "${recordType}".` });
    const at = this.now();
    const event: EngineEvent = { type: 'create', actor, data: {}, at };
    // Validate outside the transaction: bad input never reaches the store.
    const outcome = startInstance(process, fields, event);
    const row = await this.committer.submit((tx) => {
      const inserted = this.insert(tx, process, outcome, event);
      for (const m of options.messages ?? []) tx.insertMessage({ ...m, recordId: inserted.id });
      return inserted;
    });
    this.onChange(row, null, actor.id);
    return this.view(row, options.withEvents ? actor : null);
  }

  private insert(tx: StoreTx, process: CompiledProcess, outcome: StepOutcome, event: EngineEvent): InstanceRow {
    const id = newRecordId();
    const titleField = process.record.title;
    const row: InstanceRow = {
      id, recordType: process.record.record, process: process.id, packId: process.packId, packVersion: process.packVersion,
      xstateVersion: XSTATE_VERSION, title: titleField ? stringOrNull(outcome.snapshot.context.fields[titleField]) : null,
      snapshot: outcome.snapshot, status: outcome.summary.status, reason: outcome.summary.reason, step: outcome.summary.step,
      states: outcome.summary.states, owner: outcome.summary.owner, queue: outcome.summary.queue, team: outcome.summary.team,
      done: outcome.summary.done, version: 1, createdAt: event.at, updatedAt: event.at, createdBy: event.actor.id,
    };
    tx.insertInstance(row);
    tx.appendHistory({ instanceId: id, version: 1, at: event.at, actor: event.actor.id, eventType: 'create', data: {}, changes: outcome.changes, fromStates: [], toStates: outcome.summary.states });
    this.writeEffects(tx, row, outcome, event);
    return row;
  }

  private writeEffects(tx: StoreTx, row: InstanceRow, outcome: StepOutcome, event: EngineEvent): void {
    for (const key of outcome.timersCancelled) tx.deleteTimer(row.id, key);
    for (const t of outcome.timersSet) tx.setTimer({ instanceId: row.id, key: t.key, eventType: t.eventType, dueAt: t.dueAt });
    const outbox: Array<{ instanceId: string; kind: string; payload: Record<string, unknown>; idempotencyKey: string; nextAttemptAt: number }> = [];
    outcome.effects.forEach((effect: Effect, i) => {
      if (effect.kind === 'create') {
        // A related record is created in the same transaction: both exist or neither does.
        const process = this.packs.processFor(row.packVersion, effect.record);
        if (!process) return;
        const child = startInstance(process, effect.fields, { ...event, type: 'create' });
        this.insert(tx, process, child, event);
        return;
      }
      outbox.push({ instanceId: row.id, kind: effect.kind, payload: { ...effect, recordId: row.id, recordType: row.recordType, packVersion: row.packVersion }, idempotencyKey: `${row.id}:${row.version}:${i}`, nextAttemptAt: this.clock() });
    });
    if (outbox.length) tx.enqueueOutbox(outbox);
  }

  /**
   * Applies an event; resolves once it is durable. The events the user may send next are
   * computed only when asked (`withEvents`): they are for screens, not for the commit.
   */
  async send(actor: Actor, id: string, input: SendInput, options: { withEvents?: boolean } = {}): Promise<RecordView> {
    const { row, previous } = await this.committer.submit((tx) => this.applyInTx(tx, actor, id, input));
    this.onChange(row, previous, actor.id);
    return this.view(row, options.withEvents ? actor : null);
  }

  private applyInTx(tx: StoreTx, actor: Actor, id: string, input: SendInput): { row: InstanceRow; previous: InstanceRow } {
    const current = tx.getInstance(id);
    if (!current) throw notFound(id);
    // Already applied under this key (a retried effect): the record stays as it is.
    if (input.idempotencyKey && !tx.claimKey(input.idempotencyKey)) return { row: current, previous: current };
    const process = this.packs.process(current.packVersion, current.process);
    const pack = process.pack;
    if (!hasRecordPermission(pack, actor.roles, current.recordType, 'read')) throw notFound(id);
    if (!maySendEvent(pack, process.definition, actor.roles, input.type)) {
      throw new ForbiddenError({ fr: `Votre rôle ne permet pas l’action « ${input.type} ».`, nl: `Uw rol staat de actie "${input.type}" niet toe.`, en: `Your role may not send "${input.type}".` }, { event: input.type });
    }
    if (input.expectedVersion !== undefined && input.expectedVersion !== current.version) {
      throw new ConflictError(
        'stale-version',
        { fr: `Le dossier a été modifié entre-temps (version ${current.version}, vous aviez la ${input.expectedVersion}). Rechargez-le.`, nl: `Het dossier werd intussen gewijzigd (versie ${current.version}, u had ${input.expectedVersion}). Laad het opnieuw.`, en: `The record changed meanwhile (version ${current.version}, you had ${input.expectedVersion}). Reload it.` },
        { currentVersion: current.version },
      );
    }
    const event: EngineEvent = { type: input.type, actor, data: input.data ?? {}, at: this.now() };
    const outcome = applyEvent(process, current.snapshot, event);
    return { row: this.commitStep(tx, current, process, outcome, event), previous: current };
  }

  private commitStep(tx: StoreTx, current: InstanceRow, process: CompiledProcess, outcome: StepOutcome, event: EngineEvent): InstanceRow {
    const titleField = process.record.title;
    const next: InstanceRow = {
      ...current,
      title: titleField ? stringOrNull(outcome.snapshot.context.fields[titleField]) : current.title,
      snapshot: outcome.snapshot, status: outcome.summary.status, reason: outcome.summary.reason, step: outcome.summary.step,
      states: outcome.summary.states, owner: outcome.summary.owner, queue: outcome.summary.queue, team: outcome.summary.team,
      done: outcome.summary.done, version: current.version + 1, updatedAt: event.at,
    };
    if (!tx.updateInstance(next, current)) {
      throw new ConflictError('stale-version', { fr: 'Le dossier a été modifié entre-temps. Rechargez-le.', nl: 'Het dossier werd intussen gewijzigd. Laad het opnieuw.', en: 'The record changed meanwhile. Reload it.' });
    }
    tx.appendHistory({ instanceId: current.id, version: next.version, at: event.at, actor: event.actor.id, eventType: event.type, data: event.data, changes: outcome.changes, fromStates: current.states, toStates: next.states });
    this.writeEffects(tx, next, outcome, event);
    return next;
  }

  /** Delivers a due timer through the same apply path; the row goes in the same transaction. */
  async fireTimer(timer: TimerRow): Promise<'fired' | 'stale'> {
    const result = await this.committer.submit((tx): { state: 'fired' | 'stale'; row: InstanceRow | null; previous: InstanceRow | null } => {
      tx.deleteTimer(timer.instanceId, timer.key);
      const current = tx.getInstance(timer.instanceId);
      if (!current) return { state: 'stale', row: null, previous: null };
      const process = this.packs.process(current.packVersion, current.process);
      const event: EngineEvent = { type: timer.eventType, actor: { id: 'system', roles: ['system'] }, data: {}, at: this.now() };
      try {
        const outcome = tx.savepoint(() => applyEvent(process, current.snapshot, event));
        return { state: 'fired', row: this.commitStep(tx, current, process, outcome, event), previous: current };
      } catch (e) {
        // The state was left since the timer was set: the timer is obsolete, not an error.
        if (e instanceof ConflictError && e.code === 'event-not-allowed') return { state: 'stale', row: null, previous: null };
        throw e;
      }
    });
    if (result.row) this.onChange(result.row, result.previous, 'system');
    return result.state;
  }

  /**
   * A new record with the same field values (TR-14, CC-42): files and computed fields are not
   * copied, and the copy starts its own lifecycle from the beginning.
   */
  async clone(actor: Actor, id: string): Promise<RecordView> {
    const source = this.get(actor, id);
    const pack = this.packs.active().pack;
    const defs = pack.records[source.recordType]?.fields ?? {};
    const fields: Record<string, unknown> = {};
    for (const [name, def] of Object.entries(defs)) {
      if (def.computed || def.type === 'file' || (def.type === 'list' && def.of === 'file')) continue;
      const v = source.fields[name];
      if (v !== undefined && v !== null) fields[name] = v;
    }
    return this.create(actor, source.recordType, fields, { withEvents: true });
  }

  /** Stores a message on an existing record (a reply threaded to its case), durably. */
  async addMessage(recordId: string, message: Omit<MessageRow, 'recordId'>): Promise<void> {
    await this.committer.submit((tx) => {
      if (!tx.getInstance(recordId)) throw notFound(recordId);
      tx.insertMessage({ ...message, recordId });
    });
  }

  messages(actor: Actor, id: string): MessageRow[] {
    this.get(actor, id);
    return this.store.listMessages(id);
  }

  get(actor: Actor, id: string): RecordView {
    const row = this.store.getInstance(id);
    if (!row) throw notFound(id);
    const pack = this.packs.pack(row.packVersion);
    if (!hasRecordPermission(pack, actor.roles, row.recordType, 'read')) throw notFound(id);
    return this.view(row, actor);
  }

  history(actor: Actor, id: string) {
    this.get(actor, id);
    return this.store.getHistory(id);
  }

  list(actor: Actor, q: Partial<InstanceQuery> & { recordType?: string }) {
    const { pack } = this.packs.active();
    const readable = readableRecordTypes(pack, actor.roles);
    const recordTypes = q.recordType ? readable.filter((t) => t === q.recordType) : readable;
    if (q.recordType && recordTypes.length === 0 && !pack.records[q.recordType]) {
      throw new ValidationError({ fr: `Type d’enregistrement inconnu « ${q.recordType} ».`, nl: `Onbekend recordtype "${q.recordType}".`, en: `Unknown record type "${q.recordType}".` });
    }
    const result = this.store.listInstances({
      recordTypes,
      filters: q.filters ?? {},
      fieldFilters: q.fieldFilters ?? {},
      ...(q.text ? { text: q.text } : {}),
      sort: q.sort ?? 'createdAt',
      direction: q.direction ?? 'desc',
      limit: Math.min(Math.max(q.limit ?? 50, 1), 500),
      offset: Math.max(q.offset ?? 0, 0),
    });
    return { total: result.total, items: result.rows.map((r) => this.view(r, null)) };
  }

  private view(row: InstanceRow, actor: Actor | null): RecordView {
    const process = this.packs.process(row.packVersion, row.process);
    const steps = process.definition.steps ?? [];
    const currentIndex = steps.findIndex((s) => s.id === row.step);
    const view: RecordView = {
      id: row.id, recordType: row.recordType, process: row.process, packVersion: row.packVersion, title: row.title,
      fields: row.snapshot.context.fields, status: row.status, statusLabel: process.definition.statuses[row.status] ?? null,
      reason: row.reason, step: row.step,
      progress: steps.map((s, i) => ({ id: s.id, label: s.label, state: row.done || i < currentIndex ? 'done' : i === currentIndex ? 'current' : 'todo' })),
      states: row.states, owner: row.owner, queue: row.queue, team: row.team, done: row.done, version: row.version,
      createdAt: row.createdAt, updatedAt: row.updatedAt,
      links: recordLinks(process.pack, row.recordType, row.snapshot.context.fields),
    };
    if (actor) view.events = this.allowedEvents(process, row, actor);
    return view;
  }

  private allowedEvents(process: CompiledProcess, row: InstanceRow, actor: Actor): EventView[] {
    const out: EventView[] = [];
    for (const type of availableEvents(process, row.snapshot)) {
      if (!maySendEvent(process.pack, process.definition, actor.roles, type)) continue;
      // Guards that read the payload cannot be decided before the user fills the form.
      const def = process.definition.events?.[type];
      const probe: EngineEvent = { type, actor, data: {}, at: this.now() };
      const needsPayload = def?.fields && Object.keys(def.fields).length > 0;
      if (!needsPayload && !canApply(process, row.snapshot, probe)) continue;
      if ((type === 'reject' || type === 'take') && !canApply(process, row.snapshot, probe)) continue;
      out.push({ type, label: def?.label ?? BUILTIN_LABELS[type] ?? { fr: type, nl: type }, fields: eventFieldDefs(process, type) as Record<string, unknown> });
    }
    return out;
  }
}

function stringOrNull(v: unknown): string | null {
  return v === null || v === undefined ? null : String(v);
}
