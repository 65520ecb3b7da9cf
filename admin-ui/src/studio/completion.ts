/**
 * Completion of names from the pack: fields (under `set:` / `fields:`, after `record.`), states
 * (after `to:`, under `on:`), events, roles, queues, teams, templates, calendars, statuses, steps.
 * The YAML context is read from the text around the cursor (indentation and flow brackets), so it
 * works while the file does not parse.
 */
import type { Completion, CompletionContext, CompletionResult, CompletionSource } from '@codemirror/autocomplete';
import type { Text } from '@codemirror/state';
import type { Lang, LocalizedText } from '../api/types';
import { localized } from '../i18n';
import { processOfFile, recordOfFile, type FieldInfo, type PackIndex } from './pack-index';

export interface YamlContext {
  /** Keys from the document's top down to the mapping or list holding the cursor. */
  path: string[];
  /** In value position: the key whose value is typed. Null in key position. */
  key: string | null;
  /** The cursor is an item of a list (`- x` or `[a, x]`). */
  inList: boolean;
  /** Text of the current line before the cursor. */
  before: string;
}

const KEY_LINE = /^(\s*)(- +)?(?:"([^"]+)"|'([^']+)'|([^\s#:{}[\],"'][^#:{}[\],]*?))\s*:(?:\s|$)/;

interface LineKey {
  key: string;
  keyIndent: number;
  itemIndent: number;
}

function lineKey(text: string): LineKey | null {
  const m = KEY_LINE.exec(text);
  if (!m) return null;
  const indent = (m[1] ?? '').length;
  const dash = (m[2] ?? '').length;
  return { key: (m[3] ?? m[4] ?? m[5] ?? '').trim(), keyIndent: indent + dash, itemIndent: indent };
}

/** Ancestor keys of a node at `indent` on line `lineNo`, by scanning up. */
function blockAncestors(doc: Text, lineNo: number, indent: number): string[] {
  const out: string[] = [];
  let target = indent;
  for (let n = lineNo - 1; n >= 1 && target > 0; n--) {
    const text = doc.line(n).text;
    if (/^\s*(#.*)?$/.test(text)) continue;
    const k = lineKey(text);
    const lead = /^\s*/.exec(text)?.[0].length ?? 0;
    if (!k) {
      // A list item or a continuation: it does not open a mapping, but may close the search.
      if (lead < target && !/^\s*-/.test(text)) break;
      continue;
    }
    if (k.keyIndent < target) {
      out.unshift(k.key);
      target = k.itemIndent;
    }
  }
  return out;
}

interface Flow {
  type: '{' | '[';
  owner: string | null;
  /** In a `{`: the key being written or whose value is being written. */
  key: string | null;
  afterColon: boolean;
}

/** Open flow collections on the line before the cursor, outermost first. */
function flowStack(text: string): { stack: Flow[]; blockKey: string | null } {
  const stack: Flow[] = [];
  let quote: string | null = null;
  let token = '';
  let lastKey: string | null = null;
  let blockKey: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (quote) {
      if (ch === quote) quote = null;
      else token += ch;
      continue;
    }
    if (ch === '"' || ch === "'") {
      quote = ch;
      continue;
    }
    if (ch === '#' && (i === 0 || /\s/.test(text[i - 1] ?? ''))) break;
    const top = stack[stack.length - 1];
    if (ch === ':' && (i + 1 === text.length || /[\s,{}[\]]/.test(text[i + 1] ?? ''))) {
      lastKey = token.trim().replace(/^-\s+/, '');
      if (top && top.type === '{') {
        top.key = lastKey;
        top.afterColon = true;
      } else if (!top) blockKey = lastKey;
      token = '';
      continue;
    }
    if (ch === '{' || ch === '[') {
      const owner = top ? (top.type === '{' ? top.key : top.owner) : lastKey;
      stack.push({ type: ch, owner, key: null, afterColon: false });
      token = '';
      continue;
    }
    if (ch === '}' || ch === ']') {
      stack.pop();
      token = '';
      continue;
    }
    if (ch === ',') {
      if (top && top.type === '{') {
        top.key = null;
        top.afterColon = false;
      }
      token = '';
      continue;
    }
    token += ch;
  }
  return { stack, blockKey };
}

export function yamlContext(doc: Text, pos: number): YamlContext {
  const line = doc.lineAt(pos);
  const before = line.text.slice(0, pos - line.from);
  const lead = /^\s*/.exec(before)?.[0].length ?? 0;
  const dash = /^\s*(- +)/.exec(before)?.[1]?.length ?? 0;
  const { stack, blockKey } = flowStack(before);
  if (stack.length > 0) {
    const ancestors = blockAncestors(doc, line.number, lead + dash);
    const path = [...ancestors];
    if (blockKey) path.push(blockKey);
    stack.forEach((f, i) => {
      if (i > 0 && f.owner) path.push(f.owner);
    });
    const top = stack[stack.length - 1] as Flow;
    if (top.type === '[') return { path, key: top.owner, inList: true, before };
    return top.afterColon ? { path, key: top.key, inList: false, before } : { path, key: null, inList: false, before };
  }
  const ancestors = blockAncestors(doc, line.number, lead + dash);
  const valueMatch = /^\s*(?:- +)?([\w.-]+)\s*:\s+[^\s]*$/.exec(before) ?? /^\s*(?:- +)?([\w.-]+)\s*:$/.exec(before);
  if (valueMatch) return { path: ancestors, key: valueMatch[1] ?? null, inList: false, before };
  return { path: ancestors, key: null, inList: dash > 0, before };
}

const STATE_KEYS = ['status', 'reason', 'step', 'label', 'on', 'after', 'entry', 'exit', 'approval', 'initial', 'states', 'type'];
const TRANSITION_KEYS = ['to', 'if', 'do'];
const TIMER_KEYS = ['delay', 'at', 'calendar', 'to', 'if', 'do'];
const ACTION_KEYS = ['set', 'assign', 'create', 'email', 'notify', 'call', 'send'];
const FIELD_KEYS = ['type', 'label', 'required', 'default', 'computed', 'pii', 'values', 'to', 'of', 'min', 'max', 'maxLength'];
const FIELD_TYPES = ['text', 'long-text', 'number', 'money', 'date', 'datetime', 'enum', 'boolean', 'email', 'phone', 'niss', 'enterprise-number', 'address', 'reference', 'list', 'file'];
const BUILTIN_COLUMNS = ['status', 'step', 'owner', 'queue', 'team', 'createdAt', 'updatedAt'];

type Kind = 'field' | 'state' | 'event' | 'role' | 'queue' | 'team' | 'template' | 'calendar' | 'record' | 'status' | 'step' | 'keyword' | 'event-field';

interface Candidate {
  label: string;
  kind: Kind;
  detail?: LocalizedText | string | undefined;
}

const CM_TYPE: Record<Kind, string> = {
  field: 'property',
  'event-field': 'property',
  state: 'class',
  event: 'function',
  role: 'variable',
  queue: 'variable',
  team: 'variable',
  template: 'text',
  calendar: 'variable',
  record: 'type',
  status: 'enum',
  step: 'enum',
  keyword: 'keyword',
};

export interface CompletionEnv {
  index: () => PackIndex;
  file: () => string | null;
  lang: () => Lang;
  /** The completion's kind, in the user's language ("field", "state"…). */
  kindLabel: (kind: string) => string;
}

function fieldCandidates(fields: Record<string, FieldInfo> | undefined, kind: Kind = 'field'): Candidate[] {
  return Object.entries(fields ?? {}).map(([name, f]) => ({ label: name, kind, detail: f.label ?? f.type }));
}

/** The candidates for a context, or null when the context is not one we complete. */
export function candidatesFor(ctx: YamlContext, index: PackIndex, file: string | null): Candidate[] | null {
  const proc = processOfFile(index, file);
  const ownRecord = recordOfFile(index, file);
  const recordType = proc?.record ?? ownRecord ?? null;
  const recordFields = (rt: string | null): Candidate[] => (rt && index.records[rt] ? fieldCandidates(index.records[rt]?.fields) : Object.values(index.records).flatMap((r) => fieldCandidates(r.fields)));
  const states = (): Candidate[] => Object.entries(proc?.states ?? {}).map(([s, i]) => ({ label: s, kind: 'state', detail: i.status ? proc?.statuses[i.status] ?? i.status : undefined }));
  const map = (m: Record<string, LocalizedText | undefined>, kind: Kind): Candidate[] => Object.entries(m).map(([k, v]) => ({ label: k, kind, detail: v }));
  const words = (list: string[]): Candidate[] => list.map((w) => ({ label: w, kind: 'keyword' }));
  const parent = ctx.path[ctx.path.length - 1] ?? null;
  const grand = ctx.path[ctx.path.length - 2] ?? null;
  const top = ctx.path.length === 0;

  // In expressions: `record.` and `event.`.
  if (/\brecord\.[\w]*$/.test(ctx.before)) return recordFields(recordType);
  if (/\bevent\.[\w]*$/.test(ctx.before)) {
    const out: Candidate[] = [];
    const seen = new Set<string>();
    for (const e of Object.values(proc?.events ?? {})) for (const c of fieldCandidates(e.fields, 'event-field')) if (!seen.has(c.label)) { seen.add(c.label); out.push(c); }
    return out;
  }

  const key = ctx.key;
  if (key !== null) {
    if (ctx.path.includes('fields') && (key === 'to')) return map(Object.fromEntries(Object.entries(index.records).map(([k, r]) => [k, r.label])), 'record');
    if (['to', 'initial', 'approved', 'rejected', 'recalled'].includes(key) && parent !== 'email' && parent !== 'send' && (proc || !top)) return states();
    if (parent === 'on' && proc) return states();
    if (key === 'role' || key === 'roles') return map(index.roles, 'role');
    if (key === 'queue') return map(index.queues, 'queue');
    if (key === 'team') return map(index.teams, 'team');
    if (key === 'template' && !top) return Object.entries(index.templates).map(([k, v]) => ({ label: k, kind: 'template', detail: v.subject ?? v.kind }));
    if (key === 'calendar') return Object.keys(index.calendars).map((k) => ({ label: k, kind: 'calendar' }));
    if (key === 'record' && (!top || proc || !ownRecord)) return map(Object.fromEntries(Object.entries(index.records).map(([k, r]) => [k, r.label])), 'record');
    if (key === 'status' && proc) return map(proc.statuses, 'status');
    if (key === 'step' && proc) return map(proc.steps, 'step');
    if (key === 'type') return ctx.path.includes('fields') ? words(FIELD_TYPES) : ctx.path.includes('states') ? words(['parallel', 'final']) : null;
    if (key === 'of') return words(FIELD_TYPES);
    if (key === 'kind' && top) return words(['email', 'notification', 'document']);
    if ((key === 'title' && top) || key === 'field' || key === 'by') return recordFields(recordType);
    if (key === 'columns' || key === 'filters') return [...recordFields(recordType), ...words(BUILTIN_COLUMNS)];
    if (key === 'languages') return words(['fr', 'nl', 'en']);
    return null;
  }

  // Key position (or a list item).
  if (ctx.inList && (parent === 'roles')) return map(index.roles, 'role');
  if (ctx.inList && (parent === 'columns' || parent === 'filters')) return [...recordFields(recordType), ...words(BUILTIN_COLUMNS)];
  if (ctx.inList && ['entry', 'exit', 'do'].includes(parent ?? '')) return words(ACTION_KEYS);
  if (parent === 'set') return recordFields(recordType);
  if (parent === 'fields') {
    if (top || (ctx.path.length === 1 && ownRecord)) return null; // new field names
    if (ctx.path.includes('create')) return recordFields(null);
    return recordFields(recordType);
  }
  if (parent === 'on' && proc) return Object.entries(proc.events).map(([e, d]) => ({ label: e, kind: 'event', detail: d.label }));
  if (parent === 'records' && grand !== null) return map(Object.fromEntries(Object.entries(index.records).map(([k, r]) => [k, r.label])), 'record');
  if (parent === 'assign') return words(['owner', 'queue', 'team']);
  if (parent === 'email') return words(['template', 'to']);
  if (parent === 'notify') return words(['template', 'role', 'user']);
  if (parent === 'approval') return words(['steps', 'approved', 'rejected', 'recalled']);
  if (grand === 'states' && proc) return words(STATE_KEYS);
  if (grand === 'on' && proc) return words(TRANSITION_KEYS);
  if (parent === 'after') return words(TIMER_KEYS);
  if (grand === 'fields' && ownRecord) return words(FIELD_KEYS);
  return null;
}

export function completionSource(env: CompletionEnv): CompletionSource {
  return (context: CompletionContext): CompletionResult | null => {
    const word = context.matchBefore(/[\w-]*/);
    if (!word) return null;
    if (word.from === word.to && !context.explicit) {
      // Open on `record.`, `to: `, `- ` and flow separators; otherwise wait for a letter.
      const ch = context.state.sliceDoc(Math.max(0, word.from - 2), word.from);
      if (!/(\.|: |\[|, |\{ |- )$/.test(ch)) return null;
    }
    const ctx = yamlContext(context.state.doc, context.pos);
    const list = candidatesFor(ctx, env.index(), env.file());
    if (!list || list.length === 0) return null;
    const lang = env.lang();
    const seen = new Set<string>();
    const options: Completion[] = [];
    for (const c of list) {
      if (seen.has(c.label)) continue;
      seen.add(c.label);
      const detail = typeof c.detail === 'string' ? c.detail : c.detail ? localized(c.detail, lang) : '';
      options.push({ label: c.label, type: CM_TYPE[c.kind], detail: detail ? `${env.kindLabel(c.kind)} · ${detail}` : env.kindLabel(c.kind) });
    }
    return { from: word.from, options, validFor: /^[\w-]*$/ };
  };
}
