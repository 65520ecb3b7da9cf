/**
 * The shape of a definition pack once loaded. The JSON Schemas in definitions/schema/ are
 * the truth for the YAML files; these types mirror them (keep both in step: the schema tests
 * load every shipped pack through both).
 */
import type { LocalizedText } from '../errors';
import type { FieldDefinition } from '../fields';
import type { CalendarDefinition } from '../calendar';

export type { LocalizedText, FieldDefinition, CalendarDefinition };

export interface PackManifest {
  id: string;
  name: LocalizedText;
  description?: LocalizedText;
  languages: Array<'fr' | 'nl' | 'en'>;
  timezone: string;
}

export interface RecordTypeDefinition {
  record: string;
  label: LocalizedText;
  plural?: LocalizedText;
  /** Field shown as the record's title in lists and pages. */
  title?: string;
  fields: Record<string, FieldDefinition>;
  list?: ListViewDefinition;
  layout?: LayoutDefinition;
}

/** Built-in columns every record has, beside its fields. */
export const BUILTIN_COLUMNS = ['status', 'step', 'owner', 'queue', 'team', 'createdAt', 'updatedAt'] as const;

export interface ListViewDefinition {
  columns?: string[];
  filters?: string[];
  sort?: { by: string; direction?: 'asc' | 'desc' };
  /** Saved views (tabs above the list): each applies its column → value filters. */
  views?: ListSavedView[];
}

export interface ListSavedView {
  id: string;
  label: LocalizedText;
  filters: Record<string, string | number | boolean>;
}

export interface LayoutSection {
  id: string;
  label: LocalizedText;
  fields: string[];
  states?: string[];
  roles?: string[];
  'read-only-in'?: string[];
}

export interface LayoutDefinition {
  sections: LayoutSection[];
}

/** One action of a transition, entry or exit. Exactly one key is set. */
export type ActionDefinition =
  | { set: Record<string, string> }
  | { assign: { owner?: string; queue?: string | null; team?: string | null } }
  | { create: { record: string; fields?: Record<string, string> } }
  | { email: { template: string; to: string } }
  | { notify: { template: string; role?: string; user?: string } }
  | { approval: string }
  | { call: { adapter: string; with?: Record<string, string> } }
  | { send: { event: string; to: string; data?: Record<string, string> } };

export interface TransitionDefinition {
  to?: string;
  if?: string;
  do?: ActionDefinition[];
}

export type TransitionSpec = string | TransitionDefinition | TransitionDefinition[];

export interface TimerDefinition {
  /** ISO 8601 duration, e.g. P15D; business time when `calendar` is set. */
  delay?: string;
  /** CEL expression giving a date or datetime, e.g. `record.expires_on`. */
  at?: string;
  /** With `delay`: CEL giving the date or datetime the delay counts from (state entry when absent or null). */
  from?: string;
  calendar?: string;
  to?: string;
  if?: string;
  do?: ActionDefinition[];
}

export interface ApproverDefinition {
  role?: string;
  user?: string;
  /** A record field holding the approver's user id. */
  field?: string;
}

export interface ApprovalStepDefinition {
  'all-of'?: ApproverDefinition[];
  'any-of'?: ApproverDefinition[];
  /** The step applies only when this CEL condition holds (e.g. a second approval above an amount). */
  if?: string;
  label?: LocalizedText;
}

export interface ApprovalDefinition {
  steps: ApprovalStepDefinition[];
  approved: string;
  rejected: string;
  /** Where a recall by the submitter goes; defaults to `rejected`. */
  recalled?: string;
}

export interface StateDefinition {
  type?: 'parallel' | 'final';
  label?: LocalizedText;
  status?: string;
  reason?: LocalizedText;
  step?: string;
  initial?: string;
  states?: Record<string, StateDefinition>;
  on?: Record<string, TransitionSpec>;
  after?: TimerDefinition[];
  entry?: ActionDefinition[];
  exit?: ActionDefinition[];
  approval?: ApprovalDefinition;
  /** Final states only: fields still written after the record is closed (e.g. payments read back from the tax software). */
  updatable?: string[];
}

export interface EventDefinition {
  label: LocalizedText;
  /** Roles allowed to send this event; absent means any role that may update the record. */
  roles?: string[];
  fields?: Record<string, FieldDefinition>;
}

export interface ProcessDefinition {
  process: string;
  record: string;
  label: LocalizedText;
  initial: string;
  statuses: Record<string, LocalizedText>;
  steps?: Array<{ id: string; label: LocalizedText }>;
  events?: Record<string, EventDefinition>;
  states: Record<string, StateDefinition>;
}

export type Permission = 'read' | 'create' | 'update';

export interface RoleDefinition {
  label: LocalizedText;
  admin?: boolean;
  records?: Record<string, Permission[]>;
}

export interface QueueDefinition {
  label: LocalizedText;
  /** Roles whose members work this queue. */
  roles: string[];
}

export interface TemplateDefinition {
  template: string;
  kind: 'email' | 'notification' | 'document';
  subject: LocalizedText;
  body: LocalizedText;
}

export interface MailboxDefinition {
  label: LocalizedText;
  record: string;
  set?: Record<string, string | number | boolean>;
  /** Mail matched to an existing record first (e.g. a returned form to its dossier); unmatched mail becomes a `record`. */
  attach?: MailboxAttachDefinition;
}

export interface MailboxAttachDefinition {
  /** Record type searched. */
  record: string;
  /** Fields whose value, found in the subject or body, identifies the record (after the record token). */
  match: string[];
  /** File or list-of-file field receiving the attachments. */
  field?: string;
  /** Event sent to the matched record when its current state accepts it. */
  event?: string;
}

export interface WebFormDefinition {
  label: LocalizedText;
  intro?: LocalizedText;
  record: string;
  fields: string[];
  /** Fields the form requires even if the record type does not. */
  required?: string[];
  set?: Record<string, string | number | boolean>;
  confirmation?: string;
}

export interface IvrChoice {
  key: string;
  label: LocalizedText;
  set?: Record<string, string | number | boolean>;
  deflect?: LocalizedText;
}

export interface PhoneChannelDefinition {
  record: string;
  numbers?: string[];
  set?: Record<string, string | number | boolean>;
  greeting?: LocalizedText;
  menu: IvrChoice[];
}

export interface DeskFormDefinition {
  label: LocalizedText;
  record: string;
  set: Record<string, string | number | boolean>;
}

export interface ChatChannelDefinition {
  record: string;
  set?: Record<string, string | number | boolean>;
  calendar: string;
  welcome: LocalizedText;
  offline: LocalizedText;
  articles?: string;
  form?: string;
}

export interface ChannelsDefinition {
  chat: ChatChannelDefinition | null;
  mailboxes: Record<string, MailboxDefinition>;
  forms: Record<string, WebFormDefinition>;
  desk: Record<string, DeskFormDefinition>;
  phone: PhoneChannelDefinition | null;
}

export interface RoutingRule {
  if: string;
  queue?: string;
  team?: string;
  label?: LocalizedText;
}

export interface AssignmentDefinition {
  rules: RoutingRule[];
  default: { queue: string; team?: string };
}

export interface AutoResponseDefinition {
  rules: Array<{ if: string; template: string }>;
  default?: string;
}

/** A spreadsheet import (e.g. Belfirst): each row becomes a record of `record`, matched on `key`. */
export interface ImportDefinition {
  label: LocalizedText;
  record: string;
  /** The field matching a row to an existing record (its normalised value). */
  key: string;
  /** Excel header → `field`, `field.part` (address part, or `line` = street and number), or null (known, not imported). */
  columns: Record<string, string | null>;
  set?: Record<string, string | number | boolean>;
  /** Role told when an import has created records. */
  notify?: string;
}

/** A spreadsheet export to another system (`exports:` files), e.g. the Onyx tax software. */
export interface ExportDefinition {
  label: LocalizedText;
  record: string;
  /** Only records in one of these states (or their children); all when absent. */
  states?: string[];
  sheet?: string;
  /** In order: header → `field`, `field.part` (address part) or a built-in `$id`, `$status`, `$step`, `$owner`, `$createdAt`, `$updatedAt`. */
  columns: Array<{ header: string; field: string }>;
  /** How the other system's update file is read back: rows matched on `key`, columns written. */
  update?: { key: { header: string; field: string }; columns: Record<string, string | null> };
}

/**
 * An agenda of appointments kept on records (`agendas:` files), e.g. the census's on-site
 * inspections: when a record is in a `planned` state, its `at` field is an appointment.
 */
export interface AgendaDefinition {
  label: LocalizedText;
  record: string;
  /** datetime field: when the appointment starts. */
  at: string;
  /** ISO 8601 duration of each appointment (PT1H). */
  duration: string;
  /** enum field the days are grouped and filtered by. */
  group?: string;
  /** Field holding the user id of who goes (the organiser of invitations, the `inspector` filter). */
  person?: string;
  /** address field: where. */
  place?: string;
  /** datetime field: when it took place (shown on done appointments). */
  doneAt?: string;
  /** States (or their parents) in which the appointment is planned. */
  planned: string[];
  /** States (or their parents) after the appointment, shown on request. */
  done?: string[];
  /** Who reads the agenda and may have a calendar feed. */
  roles: string[];
  /** Users of `role` get an iCalendar invitation while the boolean field `if` is true. */
  invite?: { role: string; if: string };
}

export interface LinkDefinition {
  id: string;
  label: LocalizedText;
  /** `https://…{{field}}…`: placeholders are filled URL-encoded. */
  url: string;
}

export interface Pack {
  manifest: PackManifest;
  records: Record<string, RecordTypeDefinition>;
  processes: Record<string, ProcessDefinition>;
  roles: Record<string, RoleDefinition>;
  queues: Record<string, QueueDefinition>;
  teams: Record<string, { label: LocalizedText; roles?: string[] }>;
  calendars: Record<string, CalendarDefinition>;
  templates: Record<string, TemplateDefinition>;
  channels: ChannelsDefinition;
  /** Assignment rules per record type. */
  assignment: Record<string, AssignmentDefinition>;
  autoResponses: Record<string, AutoResponseDefinition>;
  /** Spreadsheet imports (`imports:` files); absent in packs built before they existed. */
  imports?: Record<string, ImportDefinition>;
  /** Spreadsheet exports (`exports:` files); absent in packs built before they existed. */
  exports?: Record<string, ExportDefinition>;
  /** Agendas (`agendas:` files); absent in packs built before they existed. */
  agendas?: Record<string, AgendaDefinition>;
  /** Quick links per record type (URL templates over the record's fields). */
  links?: Record<string, LinkDefinition[]>;
  /** Where each definition came from, for error positions: `process:census-dossier` → file. */
  sources: Record<string, string>;
}
