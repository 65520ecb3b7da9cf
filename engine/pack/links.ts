/**
 * Quick links of a record (TR-41..44): the pack's URL templates filled with the record's
 * fields, each value URL-encoded. A link whose placeholders are not all filled is left out,
 * rather than sending the agent to a search for "undefined".
 */
import type { LocalizedText, Pack } from './pack-types';

export interface RecordLink {
  id: string;
  label: LocalizedText;
  url: string;
}

export function recordLinks(pack: Pack, recordType: string, fields: Record<string, unknown>): RecordLink[] {
  const out: RecordLink[] = [];
  for (const l of pack.links?.[recordType] ?? []) {
    let complete = true;
    const url = l.url.replace(/\{\{\s*([a-z][a-z0-9_]*)\s*\}\}/g, (_m, name: string) => {
      const v = fields[name];
      if (v === null || v === undefined || v === '') {
        complete = false;
        return '';
      }
      // An address is written out as one line for a map search.
      const text = typeof v === 'object' && !Array.isArray(v)
        ? ['street', 'number', 'postalCode', 'city', 'country'].map((k) => (v as Record<string, unknown>)[k]).filter((x) => x !== undefined && x !== null && x !== '').join(' ')
        : String(v);
      return encodeURIComponent(text);
    });
    if (complete) out.push({ id: l.id, label: l.label, url });
  }
  return out;
}
