/**
 * The record page's sections from the pack's `layout`: shown per state (`states`) and per
 * role (`roles`), read-only per state (`read-only-in`). Without a layout, one section holds
 * every field.
 */
import type { FieldDef, LocalizedText, RecordType, RecordView } from '../api/types';

export interface VisibleSection {
  id: string;
  /** null: the default section, titled by the interface. */
  label: LocalizedText | null;
  fields: string[];
  readOnly: boolean;
}

const intersects = (a: readonly string[], b: readonly string[]): boolean => a.some((x) => b.includes(x));

export function visibleSections(rt: RecordType | undefined, record: RecordView, roles: string[], admin: boolean): VisibleSection[] {
  const defs = fieldDefs(rt, record);
  const layout = rt?.layout?.sections;
  if (!layout || layout.length === 0) return [{ id: 'fields', label: null, fields: Object.keys(defs), readOnly: false }];
  return layout
    .filter((s) => !s.states || s.states.length === 0 || intersects(s.states, record.states))
    .filter((s) => admin || !s.roles || s.roles.length === 0 || intersects(s.roles, roles))
    .map((s) => ({
      id: s.id,
      label: s.label,
      fields: s.fields.filter((f) => defs[f] !== undefined),
      readOnly: intersects(s['read-only-in'] ?? [], record.states),
    }))
    .filter((s) => s.fields.length > 0);
}

/** The record type's field definitions; a record of an unknown type shows its values as text. */
export function fieldDefs(rt: RecordType | undefined, record: RecordView): Record<string, FieldDef> {
  if (rt) return rt.fields;
  const out: Record<string, FieldDef> = {};
  for (const k of Object.keys(record.fields)) out[k] = { type: 'text', label: { fr: k, nl: k, en: k }, computed: 'unknown' };
  return out;
}
