/**
 * Loads a definition pack from its files (relative path → YAML text) and reports every problem
 * with its file, line and column. Pure: runtime/ reads the disk, the admin UI reads its editor.
 */
import type { ErrorObject } from 'ajv/dist/2020';
import * as generated from './pack-validators.generated';
import type { Problem } from '../errors';
import { problemText } from './pack-messages';
import { parseYamlSource, toPointer, type ParsedYaml } from './yaml-source';
import type {
  Pack,
  PackManifest,
  ProcessDefinition,
  RecordTypeDefinition,
  RoleDefinition,
  QueueDefinition,
  TemplateDefinition,
  ChannelsDefinition,
  LinkDefinition,
  ImportDefinition,
  ExportDefinition,
  AgendaDefinition,
  AssignmentDefinition,
  AutoResponseDefinition,
  CalendarDefinition,
  LocalizedText,
} from './pack-types';
import { checkPackSemantics } from './semantic-checks';

export type FileKind = 'pack' | 'record' | 'process' | 'roles' | 'routing' | 'calendars' | 'template' | 'channels' | 'rules' | 'imports' | 'exports' | 'agendas' | 'links';

/** A precompiled Ajv validator: returns validity and leaves its errors on `.errors`. */
interface SchemaValidator {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

// Precompiled from the schema (scripts/generate-schema-validators.ts, checked by `npm test`):
// no `new Function` at run time, so the same code runs under the web app's CSP.
function getValidators(): Record<FileKind, SchemaValidator> {
  return generated as unknown as Record<FileKind, SchemaValidator>;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function fileKind(value: unknown): FileKind | null {
  if (!isObject(value)) return null;
  if ('process' in value) return 'process';
  if ('record' in value) return 'record';
  if ('pack' in value) return 'pack';
  if ('roles' in value) return 'roles';
  if ('queues' in value || 'teams' in value) return 'routing';
  if ('calendars' in value) return 'calendars';
  if ('template' in value) return 'template';
  if ('channels' in value) return 'channels';
  if ('assignment' in value || 'auto-responses' in value) return 'rules';
  if ('imports' in value) return 'imports';
  if ('exports' in value) return 'exports';
  if ('agendas' in value) return 'agendas';
  if ('links' in value) return 'links';
  return null;
}

/** The `kind` parameter of unknown-reference problems, as the `kind:id` keys of Pack.sources spell it. */
const SOURCE_KIND: Record<string, string> = { 'record type': 'record' };

export class ProblemCollector {
  readonly problems: Problem[] = [];
  /**
   * Definitions declared by files that failed validation (`role:clerk`), and whether some file
   * could not be read at all: references to them are not "unknown", the real problem is reported
   * in that file.
   */
  readonly unavailable = new Set<string>();
  someFileUnreadable = false;
  constructor(private readonly sources: Map<string, ParsedYaml>) {}

  add(file: string, path: string, code: string, params: Record<string, string | number> = {}, severity: Problem['severity'] = 'error'): void {
    this.push(file, path, 'value', code, params, severity);
  }

  /** For a problem with the name itself (an unknown property, an undeclared event): at the key, not its value. */
  addAtKey(file: string, path: string, code: string, params: Record<string, string | number> = {}, severity: Problem['severity'] = 'error'): void {
    this.push(file, path, 'key', code, params, severity);
  }

  private push(file: string, path: string, at: 'value' | 'key', code: string, params: Record<string, string | number>, severity: Problem['severity']): void {
    if (code === 'unknown-reference') {
      const kind = String(params['kind']);
      if (this.someFileUnreadable || this.unavailable.has(`${SOURCE_KIND[kind] ?? kind}:${String(params['id'])}`)) return;
    }
    const pos = this.sources.get(file)?.locate(path, at) ?? { line: 1, col: 1 };
    const text = problemText(code, params);
    this.problems.push({ file, line: pos.line, col: pos.col, path, code, message: text.en, text, severity });
  }
}

/** The `kind:id` keys a file declares, read from its (invalid) content as far as possible. */
function declaredIds(kind: FileKind, value: Record<string, unknown>): string[] {
  const own = (k: string): string[] => (typeof value[k] === 'string' ? [`${k}:${String(value[k])}`] : []);
  const keys = (k: string, as: string): string[] => {
    const m = value[k];
    return isObject(m) ? Object.keys(m).map((id) => `${as}:${id}`) : [];
  };
  switch (kind) {
    case 'record':
    case 'process':
    case 'template':
      return own(kind);
    case 'roles':
      return keys('roles', 'role');
    case 'routing':
      return [...keys('queues', 'queue'), ...keys('teams', 'team')];
    case 'calendars':
      return keys('calendars', 'calendar');
    case 'channels':
    case 'rules':
    case 'links':
    case 'pack':
      return [];
    case 'imports':
      return keys('imports', 'import');
    case 'exports':
      return keys('exports', 'export');
    case 'agendas':
      return keys('agendas', 'agenda');
  }
}

/** `oneOf: [{ required: [delay] }, { required: [at] }]`: the properties of which exactly one is needed. */
function exclusiveProperties(e: ErrorObject): string[] | null {
  const branches: unknown = e.schema;
  if (!Array.isArray(branches) || branches.length === 0) return null;
  const out: string[] = [];
  for (const b of branches) {
    if (!isObject(b) || Object.keys(b).length !== 1 || !Array.isArray(b['required'])) return null;
    out.push(...(b['required'] as unknown[]).map(String));
  }
  return out;
}

/**
 * Ajv reports every failed alternative of a `oneOf`, so one mistake shows as three ("must be
 * string", "must be object", "must be array"). Keep what an admin can act on: one "exactly one of"
 * for exclusive properties, the errors of the alternative that fits the value's shape, or a single
 * type error naming every accepted type when none fits.
 */
function simplifyAlternatives(errors: ErrorObject[]): ErrorObject[] {
  let out = errors;
  for (const alt of errors) {
    if (alt.keyword !== 'oneOf' && alt.keyword !== 'anyOf') continue;
    const at = alt.instancePath;
    const exclusive = exclusiveProperties(alt);
    if (exclusive) {
      out = out.filter((e) => !(e.instancePath === at && e.keyword === 'required' && exclusive.includes(String((e.params as { missingProperty?: unknown }).missingProperty))));
      continue;
    }
    const typeErrors = out.filter((e) => e.instancePath === at && e.keyword === 'type');
    const others = out.filter(
      (e) => !typeErrors.includes(e) && !['oneOf', 'anyOf', 'if', 'propertyNames'].includes(e.keyword) && (e.instancePath === at || e.instancePath.startsWith(`${at}/`)),
    );
    if (others.length > 0) out = out.filter((e) => !typeErrors.includes(e));
    else if (typeErrors.length > 1) {
      const [first] = typeErrors;
      const merged: ErrorObject = { ...(first as ErrorObject), params: { type: typeErrors.map((e) => String((e.params as { type?: unknown }).type)).join(' / ') } };
      out = out.filter((e) => e === first || !typeErrors.includes(e)).map((e) => (e === first ? merged : e));
    }
  }
  return out;
}

function schemaProblem(c: ProblemCollector, file: string, e: ErrorObject): void {
  const params = e.params as Record<string, unknown>;
  if (e.propertyName !== undefined && e.keyword !== 'propertyNames') {
    // A property name that breaks its rule (a field name with a dash): point at the name.
    if (e.keyword === 'pattern') {
      const schema = e.parentSchema as { description?: string } | undefined;
      c.addAtKey(file, e.instancePath, 'schema-pattern', { value: e.propertyName, description: schema?.description ?? `must match ${String(params['pattern'])}` });
    } else if (e.keyword === 'enum') {
      c.addAtKey(file, e.instancePath, 'schema-enum', { allowed: (params['allowedValues'] as unknown[]).join(', ') });
    } else c.addAtKey(file, e.instancePath, 'schema-other', { detail: e.message ?? e.keyword });
    return;
  }
  switch (e.keyword) {
    case 'required':
      c.add(file, e.instancePath, 'schema-required', { property: String(params['missingProperty']) });
      return;
    case 'additionalProperties':
      c.addAtKey(file, `${e.instancePath}/${String(params['additionalProperty'])}`, 'schema-unknown-property', { property: String(params['additionalProperty']) });
      return;
    case 'type':
      c.add(file, e.instancePath, 'schema-type', { expected: String(params['type']) });
      return;
    case 'enum':
      c.add(file, e.instancePath, 'schema-enum', { allowed: (params['allowedValues'] as unknown[]).join(', ') });
      return;
    case 'pattern': {
      const schema = e.parentSchema as { description?: string } | undefined;
      c.add(file, e.instancePath, 'schema-pattern', { value: String(e.data), description: schema?.description ?? `must match ${String(params['pattern'])}` });
      return;
    }
    case 'propertyNames':
      // The offending name is reported by the nested `pattern` error.
      return;
    case 'oneOf':
    case 'anyOf': {
      const exclusive = exclusiveProperties(e);
      if (exclusive) c.add(file, e.instancePath, 'schema-one-of', { options: exclusive.join(', ') });
      else if (params['passingSchemas']) c.add(file, e.instancePath, 'schema-other', { detail: e.message ?? e.keyword });
      // Otherwise no alternative fits, and their own errors say why.
      return;
    }
    case 'if':
      return;
    default:
      c.add(file, e.instancePath, 'schema-other', { detail: e.message ?? e.keyword });
  }
}

/** Ajv reports an offending property name at its parent (with `propertyName` set); point at the name itself. */
function propertyNameErrors(errors: ErrorObject[]): ErrorObject[] {
  return errors.map((e) => {
    const name = e.propertyName;
    if (name !== undefined && e.keyword !== 'propertyNames') return { ...e, instancePath: `${e.instancePath}${toPointer([name])}`, data: name };
    return e;
  });
}

export interface LoadResult {
  pack: Pack | null;
  problems: Problem[];
}

export function loadPack(files: Record<string, string>): LoadResult {
  const sources = new Map<string, ParsedYaml>();
  const c = new ProblemCollector(sources);
  const v = getValidators();
  const parsed: Array<{ file: string; kind: FileKind; value: Record<string, unknown> }> = [];

  for (const file of Object.keys(files).sort()) {
    if (!/\.ya?ml$/.test(file)) continue;
    const src = parseYamlSource(file, files[file] ?? '');
    sources.set(file, src);
    if (src.errors.length > 0) {
      c.someFileUnreadable = true;
      for (const err of src.errors) {
        const text = problemText('yaml-syntax', { detail: err.message });
        c.problems.push({ file, line: err.position.line, col: err.position.col, path: '', code: 'yaml-syntax', message: text.en, text, severity: 'error' });
      }
      continue;
    }
    const kind = fileKind(src.value);
    if (!kind || !isObject(src.value)) {
      c.add(file, '', 'unknown-file-kind');
      continue;
    }
    const validate = v[kind];
    if (!validate(src.value)) {
      const before = c.problems.length;
      const errors = validate.errors ?? [];
      for (const e of simplifyAlternatives(propertyNameErrors(errors))) schemaProblem(c, file, e);
      // Never drop a file without saying why.
      if (c.problems.length === before) c.add(file, errors[0]?.instancePath ?? '', 'schema-other', { detail: errors[0]?.message ?? 'invalid' });
      for (const id of declaredIds(kind, src.value)) c.unavailable.add(id);
      continue;
    }
    parsed.push({ file, kind, value: src.value });
  }

  const pack: Pack = { manifest: { id: '', name: { fr: '', nl: '' }, languages: ['fr', 'nl'], timezone: 'Europe/Brussels' }, records: {}, processes: {}, roles: {}, queues: {}, teams: {}, calendars: {}, templates: {}, channels: { mailboxes: {}, forms: {}, desk: {}, phone: null, chat: null }, assignment: {}, autoResponses: {}, imports: {}, sources: {} };
  let manifestFound = false;

  const register = <T>(kind: string, map: Record<string, T>, id: string, def: T, file: string, path: string): void => {
    const key = `${kind}:${id}`;
    const other = pack.sources[key];
    if (other !== undefined) {
      c.add(file, path, 'duplicate-id', { kind, id, other });
      return;
    }
    pack.sources[key] = file;
    map[id] = def;
  };

  for (const { file, kind, value } of parsed) {
    switch (kind) {
      case 'pack': {
        if (manifestFound) c.add(file, '/pack', 'duplicate-id', { kind: 'pack', id: String(value['pack']), other: pack.sources['pack'] ?? '' });
        manifestFound = true;
        pack.sources['pack'] = file;
        const m: PackManifest = {
          id: String(value['pack']),
          name: value['name'] as LocalizedText,
          languages: value['languages'] as PackManifest['languages'],
          timezone: String(value['timezone']),
        };
        if (value['description']) m.description = value['description'] as LocalizedText;
        pack.manifest = m;
        break;
      }
      case 'record': {
        const def = value as unknown as RecordTypeDefinition;
        register('record', pack.records, def.record, def, file, '/record');
        break;
      }
      case 'process': {
        const def = value as unknown as ProcessDefinition;
        register('process', pack.processes, def.process, def, file, '/process');
        break;
      }
      case 'roles':
        for (const [id, r] of Object.entries(value['roles'] as Record<string, RoleDefinition>)) register('role', pack.roles, id, r, file, `/roles/${id}`);
        break;
      case 'routing':
        for (const [id, q] of Object.entries((value['queues'] ?? {}) as Record<string, QueueDefinition>)) register('queue', pack.queues, id, q, file, `/queues/${id}`);
        for (const [id, t] of Object.entries((value['teams'] ?? {}) as Record<string, { label: LocalizedText; roles?: string[] }>)) register('team', pack.teams, id, t, file, `/teams/${id}`);
        break;
      case 'calendars':
        for (const [id, cal] of Object.entries(value['calendars'] as Record<string, CalendarDefinition>)) {
          register('calendar', pack.calendars, id, { ...cal, holidays: cal.holidays ?? [] }, file, `/calendars/${id}`);
        }
        break;
      case 'template': {
        const def = value as unknown as TemplateDefinition;
        register('template', pack.templates, def.template, def, file, '/template');
        break;
      }
      case 'channels': {
        const ch = value['channels'] as Partial<ChannelsDefinition>;
        for (const [addr, m] of Object.entries(ch.mailboxes ?? {})) register('mailbox', pack.channels.mailboxes, addr.toLowerCase(), m, file, `/channels/mailboxes/${addr}`);
        for (const [id, f] of Object.entries(ch.forms ?? {})) register('form', pack.channels.forms, id, f, file, `/channels/forms/${id}`);
        for (const [id, d] of Object.entries(ch.desk ?? {})) register('desk', pack.channels.desk, id, d, file, `/channels/desk/${id}`);
        if (ch.chat) {
          if (pack.channels.chat) c.add(file, '/channels/chat', 'duplicate-id', { kind: 'chat', id: 'chat', other: pack.sources['chat:chat'] ?? '' });
          else {
            pack.channels.chat = ch.chat;
            pack.sources['chat:chat'] = file;
          }
        }
        if (ch.phone) {
          if (pack.channels.phone) c.add(file, '/channels/phone', 'duplicate-id', { kind: 'phone', id: 'phone', other: pack.sources['phone:phone'] ?? '' });
          else {
            pack.channels.phone = ch.phone;
            pack.sources['phone:phone'] = file;
          }
        }
        break;
      }
      case 'rules': {
        for (const [rt, a] of Object.entries((value['assignment'] ?? {}) as Record<string, AssignmentDefinition>)) register('assignment', pack.assignment, rt, a, file, `/assignment/${rt}`);
        for (const [rt, a] of Object.entries((value['auto-responses'] ?? {}) as Record<string, AutoResponseDefinition>)) register('auto-responses', pack.autoResponses, rt, a, file, `/auto-responses/${rt}`);
        break;
      }
      case 'links': {
        const links = (pack.links ??= {});
        for (const [rt, list] of Object.entries(value['links'] as Record<string, LinkDefinition[]>)) register('links', links, rt, list, file, `/links/${rt}`);
        break;
      }
      case 'imports': {
        const imports = (pack.imports ??= {});
        for (const [id, d] of Object.entries(value['imports'] as Record<string, ImportDefinition>)) register('import', imports, id, d, file, `/imports/${id}`);
        break;
      }
      case 'exports': {
        const exports = (pack.exports ??= {});
        for (const [id, d] of Object.entries(value['exports'] as Record<string, ExportDefinition>)) register('export', exports, id, d, file, `/exports/${id}`);
        break;
      }
      case 'agendas': {
        const agendas = (pack.agendas ??= {});
        for (const [id, d] of Object.entries(value['agendas'] as Record<string, AgendaDefinition>)) register('agenda', agendas, id, d, file, `/agendas/${id}`);
        break;
      }
    }
  }
  if (!manifestFound && c.problems.length === 0) c.add('pack.yaml', '', 'missing-pack-file');

  checkPackSemantics(pack, c, sources);
  const errors = c.problems.filter((p) => p.severity === 'error');
  c.problems.sort((a, b) => (a.file === b.file ? a.line - b.line || a.col - b.col : a.file < b.file ? -1 : 1));
  return { pack: errors.length === 0 ? pack : null, problems: c.problems };
}
