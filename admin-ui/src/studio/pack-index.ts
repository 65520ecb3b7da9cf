/**
 * What the editor knows of the pack for completion and the diagram: names of fields, states,
 * events, roles, queues, templates, calendars. Built from the loaded pack when it is valid, or
 * else file by file from whatever YAML still parses (a file with a syntax error keeps its last
 * readable content), so completion keeps working while the pack has errors.
 */
import { parse } from 'yaml';
import { fileKind, type Pack } from '../../../engine/pack';
import type { FileKind } from '../../../engine/pack/load-pack';
import type { LocalizedText } from '../api/types';
import { isYamlPath, type PackFiles } from './studio-api';

export interface FieldInfo {
  type?: string;
  label?: LocalizedText;
}

export interface RecordInfo {
  file: string;
  label?: LocalizedText;
  fields: Record<string, FieldInfo>;
}

export interface ProcessInfo {
  id: string;
  file: string;
  record?: string;
  label?: LocalizedText;
  /** The definition as written (possibly invalid): the diagram reads it defensively. */
  def: Record<string, unknown>;
  states: Record<string, { status?: string; parent: string | null }>;
  events: Record<string, { label?: LocalizedText; fields: Record<string, FieldInfo>; roles?: string[] }>;
  statuses: Record<string, LocalizedText | undefined>;
  steps: Record<string, LocalizedText | undefined>;
}

export interface PackIndex {
  records: Record<string, RecordInfo>;
  processes: Record<string, ProcessInfo>;
  roles: Record<string, LocalizedText | undefined>;
  queues: Record<string, LocalizedText | undefined>;
  teams: Record<string, LocalizedText | undefined>;
  templates: Record<string, { kind?: string; subject?: LocalizedText }>;
  calendars: Record<string, { timezone?: string }>;
  kinds: Record<string, FileKind | null>;
}

export function emptyIndex(): PackIndex {
  return { records: {}, processes: {}, roles: {}, queues: {}, teams: {}, templates: {}, calendars: {}, kinds: {} };
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function asText(v: unknown): LocalizedText | undefined {
  return isObject(v) && typeof v['fr'] === 'string' ? (v as unknown as LocalizedText) : undefined;
}

function labelMap(v: unknown, pick: (x: unknown) => LocalizedText | undefined = (x) => (isObject(x) ? asText(x['label']) : undefined)): Record<string, LocalizedText | undefined> {
  const out: Record<string, LocalizedText | undefined> = {};
  if (isObject(v)) for (const [k, x] of Object.entries(v)) out[k] = pick(x);
  return out;
}

function fieldMap(v: unknown): Record<string, FieldInfo> {
  const out: Record<string, FieldInfo> = {};
  if (!isObject(v)) return out;
  for (const [k, x] of Object.entries(v)) {
    const info: FieldInfo = {};
    if (isObject(x)) {
      if (typeof x['type'] === 'string') info.type = x['type'];
      const label = asText(x['label']);
      if (label) info.label = label;
    }
    out[k] = info;
  }
  return out;
}

function collectStateNames(states: unknown, parent: string | null, out: ProcessInfo['states']): void {
  if (!isObject(states)) return;
  for (const [name, def] of Object.entries(states)) {
    if (!(name in out)) out[name] = { parent, ...(isObject(def) && typeof def['status'] === 'string' ? { status: def['status'] } : {}) };
    if (isObject(def)) collectStateNames(def['states'], name, out);
  }
}

function addFile(index: PackIndex, file: string, value: unknown): void {
  const kind = fileKind(value);
  index.kinds[file] = kind;
  if (!isObject(value) || !kind) return;
  switch (kind) {
    case 'record': {
      const id = String(value['record']);
      index.records[id] = { file, fields: fieldMap(value['fields']), ...(asText(value['label']) ? { label: asText(value['label']) } : {}) };
      break;
    }
    case 'process': {
      const id = String(value['process']);
      const states: ProcessInfo['states'] = {};
      collectStateNames(value['states'], null, states);
      const events: ProcessInfo['events'] = {};
      if (isObject(value['events'])) {
        for (const [ev, def] of Object.entries(value['events'])) {
          const d = isObject(def) ? def : {};
          const label = asText(d['label']);
          events[ev] = { fields: fieldMap(d['fields']), ...(label ? { label } : {}), ...(Array.isArray(d['roles']) ? { roles: d['roles'].map(String) } : {}) };
        }
      }
      const steps: ProcessInfo['steps'] = {};
      if (Array.isArray(value['steps'])) for (const s of value['steps']) if (isObject(s) && typeof s['id'] === 'string') steps[s['id']] = asText(s['label']);
      const info: ProcessInfo = { id, file, def: value, states, events, statuses: labelMap(value['statuses'], asText), steps };
      if (typeof value['record'] === 'string') info.record = value['record'];
      const label = asText(value['label']);
      if (label) info.label = label;
      index.processes[id] = info;
      break;
    }
    case 'roles':
      Object.assign(index.roles, labelMap(value['roles']));
      break;
    case 'routing':
      Object.assign(index.queues, labelMap(value['queues']));
      Object.assign(index.teams, labelMap(value['teams']));
      break;
    case 'calendars':
      if (isObject(value['calendars'])) for (const [id, c] of Object.entries(value['calendars'])) index.calendars[id] = isObject(c) && typeof c['timezone'] === 'string' ? { timezone: c['timezone'] } : {};
      break;
    case 'template': {
      const subject = asText(value['subject']);
      index.templates[String(value['template'])] = { ...(typeof value['kind'] === 'string' ? { kind: value['kind'] } : {}), ...(subject ? { subject } : {}) };
      break;
    }
    case 'pack':
      break;
  }
}

/** The last readable value of each file, by its text. */
const parsedCache = new Map<string, { text: string; value: unknown }>();

function valueOf(file: string, text: string): unknown {
  const cached = parsedCache.get(file);
  if (cached && cached.text === text) return cached.value;
  try {
    const value: unknown = parse(text, { uniqueKeys: false, prettyErrors: false });
    parsedCache.set(file, { text, value });
    return value;
  } catch {
    // Unreadable now: keep what it said when it last parsed.
    return cached?.value ?? null;
  }
}

export function indexFromFiles(files: PackFiles): PackIndex {
  const index = emptyIndex();
  for (const file of Object.keys(files).sort()) {
    if (!isYamlPath(file)) continue;
    addFile(index, file, valueOf(file, files[file] ?? ''));
  }
  return index;
}

export function indexFromPack(pack: Pack, files: PackFiles): PackIndex {
  const index = emptyIndex();
  const src = (key: string): string => pack.sources[key] ?? '';
  for (const [id, r] of Object.entries(pack.records)) addFile(index, src(`record:${id}`), r);
  for (const [id, p] of Object.entries(pack.processes)) addFile(index, src(`process:${id}`), p);
  for (const [id, t] of Object.entries(pack.templates)) addFile(index, src(`template:${id}`), t);
  addFile(index, '', { roles: pack.roles });
  addFile(index, '', { queues: pack.queues, teams: pack.teams });
  addFile(index, '', { calendars: pack.calendars });
  // File kinds of every file, for the tree and the diagram's "open process".
  const kinds: PackIndex['kinds'] = {};
  for (const [key, file] of Object.entries(pack.sources)) {
    const kind = key === 'pack' ? 'pack' : key.split(':')[0];
    kinds[file] = kind === 'role' ? 'roles' : kind === 'queue' || kind === 'team' ? 'routing' : kind === 'calendar' ? 'calendars' : (kind as FileKind);
  }
  for (const file of Object.keys(files)) if (!(file in kinds)) kinds[file] = null;
  index.kinds = kinds;
  return index;
}

/** The process defined in this file, if any. */
export function processOfFile(index: PackIndex, file: string | null): ProcessInfo | null {
  if (!file) return null;
  return Object.values(index.processes).find((p) => p.file === file) ?? null;
}

export function recordOfFile(index: PackIndex, file: string | null): string | null {
  if (!file) return null;
  return Object.entries(index.records).find(([, r]) => r.file === file)?.[0] ?? null;
}
