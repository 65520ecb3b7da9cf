/**
 * The list view's columns and filters, read from the record type's `list` in the pack.
 * A column is a field name or a built-in (status, step, owner, queue, team, createdAt,
 * updatedAt); `$title` and `$type` are the list's own: the record's title and its type.
 */
import type { RecordType } from '../api/types';

export const BUILTIN_COLUMNS = ['status', 'step', 'owner', 'queue', 'team', 'createdAt', 'updatedAt'] as const;
/** What GET /api/records can sort by besides the record type's fields. */
const SORTABLE_BUILTINS = new Set(['createdAt', 'updatedAt', 'title', 'status', 'step', 'owner', 'queue']);
/** Field types whose stored form does not sort meaningfully. */
const UNSORTABLE_TYPES = new Set(['address', 'list', 'file']);

export type Direction = 'asc' | 'desc';
export interface SortState {
  by: string;
  direction: Direction;
}

export function isBuiltin(column: string): boolean {
  return (BUILTIN_COLUMNS as readonly string[]).includes(column);
}

/** The sort key the API understands for a column, or null when the column cannot be sorted. */
export function sortKey(column: string, rt: RecordType | undefined): string | null {
  if (column === '$title') return 'title';
  if (column === '$type') return null;
  if (SORTABLE_BUILTINS.has(column)) return column;
  const def = rt?.fields[column];
  if (!def || UNSORTABLE_TYPES.has(def.type)) return null;
  return column;
}

export function columnsFor(rt: RecordType | undefined, queueView: boolean): string[] {
  if (queueView || !rt) return ['$title', '$type', 'status', 'owner', 'updatedAt'];
  const cols = rt.list?.columns?.filter((c) => isBuiltin(c) || rt.fields[c]);
  if (cols && cols.length > 0) return cols;
  return [rt.title && rt.fields[rt.title] ? rt.title : '$title', 'status', 'updatedAt'];
}

export function filtersFor(rt: RecordType | undefined, queueView: boolean): string[] {
  if (queueView || !rt) return ['owner'];
  const declared = rt.list?.filters?.filter((c) => isBuiltin(c) || rt.fields[c]);
  const filters = declared ?? (Object.keys(rt.statuses).length > 0 ? ['status', 'owner'] : ['owner']);
  // Dates are not filtered by equality; files, addresses and lists have no filter value.
  return filters.filter((c) => c !== 'createdAt' && c !== 'updatedAt' && !UNSORTABLE_TYPES.has(rt.fields[c]?.type ?? ''));
}

export function defaultSort(rt: RecordType | undefined, queueView: boolean): SortState {
  const s = !queueView ? rt?.list?.sort : undefined;
  if (s && sortKey(s.by, rt)) return { by: s.by, direction: s.direction ?? 'asc' };
  return { by: 'updatedAt', direction: 'desc' };
}
