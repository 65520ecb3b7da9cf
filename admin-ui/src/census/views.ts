/**
 * Saved list views of a record type (`list.views` in the pack): a named set of filters, shown as
 * tabs above the list and addressable as `#/records/<type>?view=<id>`. Read defensively: the
 * record-types API passes the pack's `list` through as it is.
 */
import type { LocalizedText, RecordType } from '../api/types';

export interface SavedView {
  id: string;
  label: LocalizedText;
  /** Field or built-in (status, step, owner, queue, team) → the value the list API filters on. */
  filters: Record<string, string>;
}

function isText(v: unknown): v is LocalizedText {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return typeof o['fr'] === 'string' && typeof o['nl'] === 'string';
}

export function savedViewsOf(rt: RecordType | undefined): SavedView[] {
  const list: unknown = rt?.list;
  if (typeof list !== 'object' || list === null) return [];
  const views = (list as Record<string, unknown>)['views'];
  if (!Array.isArray(views)) return [];
  const out: SavedView[] = [];
  for (const v of views as unknown[]) {
    if (typeof v !== 'object' || v === null) continue;
    const o = v as Record<string, unknown>;
    const id = o['id'];
    const label = o['label'];
    const filters = o['filters'];
    if (typeof id !== 'string' || !isText(label)) continue;
    const f: Record<string, string> = {};
    if (typeof filters === 'object' && filters !== null) {
      // YAML may give booleans and numbers; the list API compares strings ('true', '3').
      for (const [k, val] of Object.entries(filters as Record<string, unknown>)) {
        if (typeof val === 'string' || typeof val === 'number' || typeof val === 'boolean') f[k] = String(val);
      }
    }
    out.push({ id, label, filters: f });
  }
  return out;
}
