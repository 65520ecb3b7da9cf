/**
 * Event labels and payload fields for the record page and its history.
 *
 * The pack's event labels reach the browser with the events a user may send now
 * (RecordView.events); /record-types may also carry them (`events`). Labels seen are kept
 * for the tab's lifetime, so the history can name past events too.
 */
import type { EventView, FieldDef, LocalizedText, RecordType } from '../api/types';

/** Events the engine defines itself; their labels are interface texts (agent.json `event.*`). */
export const BUILTIN_EVENTS = ['create', 'update', 'take', 'approve', 'reject', 'recall'] as const;

const seen = new Map<string, LocalizedText>();

export function rememberEvents(recordType: string, events: EventView[] | undefined): void {
  for (const e of events ?? []) seen.set(`${recordType}:${e.type}`, e.label);
}

/** The record type as /record-types may describe it with its process's events. */
type RecordTypeWithEvents = RecordType & { events?: Record<string, { label?: LocalizedText }> };

export function packEventLabel(rt: RecordType | undefined, recordType: string, type: string): LocalizedText | null {
  const withEvents = rt as RecordTypeWithEvents | undefined;
  return withEvents?.events?.[type]?.label ?? seen.get(`${recordType}:${type}`) ?? null;
}

export function isBuiltinEvent(type: string): boolean {
  return (BUILTIN_EVENTS as readonly string[]).includes(type);
}

export function isTimerEvent(type: string): boolean {
  return type.startsWith('timer:');
}

export interface PayloadField {
  name: string;
  def: FieldDef;
  /** null: take the label from the definition (pack text). */
  labelKey: string | null;
}

const NO_LABEL: LocalizedText = { fr: '', nl: '' };

/**
 * The form an event needs. The approval events carry a comment (required to reject) that the
 * engine defines; they are added here when the server does not list them.
 */
export function payloadFields(ev: EventView): PayloadField[] {
  const declared = Object.entries(ev.fields ?? {});
  if (declared.length > 0) return declared.map(([name, def]) => ({ name, def, labelKey: null }));
  if (ev.type === 'reject') return [{ name: 'comment', def: { type: 'long-text', label: NO_LABEL, required: true }, labelKey: 'event.rejectComment' }];
  if (ev.type === 'approve' || ev.type === 'recall') return [{ name: 'comment', def: { type: 'long-text', label: NO_LABEL }, labelKey: 'event.comment' }];
  return [];
}
