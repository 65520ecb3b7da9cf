import type { Actor } from '../expressions';

export interface ApprovalDecision {
  step: number;
  by: string;
  decision: 'approved' | 'rejected' | 'recalled';
  comment: string | null;
  at: string;
}

export interface ApprovalProgress {
  /** The state holding the approval. */
  state: string;
  step: number;
  submitter: string | null;
  decisions: ApprovalDecision[];
}

/** The XState context of every instance: the record's fields plus its routing and approval. */
export interface InstanceContext {
  fields: Record<string, unknown>;
  owner: string | null;
  queue: string | null;
  team: string | null;
  approval: ApprovalProgress | null;
  /** Past approvals, kept for the record's history and reports. */
  approvals: ApprovalDecision[];
}

/** Every event the engine applies: who sent it, when, and its payload. */
export interface EngineEvent {
  type: string;
  actor: Actor;
  data: Record<string, unknown>;
  /** ISO 8601 UTC; the runtime's clock, never read by the engine. */
  at: string;
}

export const SYSTEM_ACTOR: Actor = { id: 'system', roles: ['system'] };

/** An effect to run after the commit, from the outbox. */
export type Effect =
  | { kind: 'email'; template: string; to: unknown }
  | { kind: 'notify'; template: string; role: string | null; user: unknown }
  | { kind: 'call'; adapter: string; with: Record<string, unknown> }
  | { kind: 'send'; event: string; to: unknown; data: Record<string, unknown> }
  | { kind: 'create'; record: string; fields: Record<string, unknown> };
