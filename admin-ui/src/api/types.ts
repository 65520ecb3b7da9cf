/** The HTTP API's shapes as the browser sees them (runtime/http/openapi.ts describes the same). */
export interface LocalizedText {
  fr: string;
  nl: string;
  en?: string;
}

export type Lang = 'fr' | 'nl' | 'en';

export interface User {
  id: string;
  username: string;
  displayName: string;
  roles: string[];
  language: Lang;
}

export interface Me {
  user: User;
  admin: boolean;
  recordTypes: string[];
  creatableRecordTypes: string[];
}

export interface FieldDef {
  type: string;
  label: LocalizedText;
  required?: boolean;
  computed?: string;
  pii?: boolean;
  values?: Record<string, LocalizedText>;
  to?: string;
  of?: string;
  min?: number;
  max?: number;
  maxLength?: number;
  default?: unknown;
}

export interface LayoutSection {
  id: string;
  label: LocalizedText;
  fields: string[];
  states?: string[];
  roles?: string[];
  'read-only-in'?: string[];
}

export interface RecordType {
  record: string;
  label: LocalizedText;
  plural?: LocalizedText;
  title?: string;
  fields: Record<string, FieldDef>;
  list?: { columns?: string[]; filters?: string[]; sort?: { by: string; direction?: 'asc' | 'desc' } };
  layout?: { sections: LayoutSection[] };
  process: string | null;
  statuses: Record<string, LocalizedText>;
  steps: Array<{ id: string; label: LocalizedText }>;
  /** Every event's label (for history lines). */
  events?: Record<string, { label: LocalizedText }>;
  creatable?: boolean;
}

export interface EventView {
  type: string;
  label: LocalizedText;
  fields: Record<string, FieldDef>;
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
  /** Quick links to outside tools, from the pack. */
  links?: Array<{ id: string; label: LocalizedText; url: string }>;
  events?: EventView[];
}

export interface HistoryItem {
  instanceId: string;
  version: number;
  at: string;
  actor: string;
  eventType: string;
  data: Record<string, unknown>;
  changes: Array<{ field: string; before: unknown; after: unknown }>;
  fromStates: string[];
  toStates: string[];
}

export interface Queue {
  id: string;
  label: LocalizedText;
  roles: string[];
}

export interface Problem {
  file: string;
  line: number;
  col: number;
  path: string;
  code: string;
  message: string;
  text?: LocalizedText;
  severity: 'error' | 'warning';
}

export interface PackVersionSummary {
  packId: string;
  version: number;
  status: 'draft' | 'published' | 'superseded';
  files: string[];
  createdAt: string;
  createdBy: string;
  publishedAt: string | null;
}
