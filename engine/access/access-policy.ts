/**
 * Who may see and change what, from the pack's roles. Approvers' eligibility is checked by
 * the approval's own guards; this decides only whether a role may try.
 */
import type { Pack, Permission, ProcessDefinition } from '../pack/pack-types';

/** The `system` role is the engine's own (timers, events sent between records). */
export function isAdmin(pack: Pack, roles: readonly string[]): boolean {
  return roles.includes('system') || roles.some((r) => pack.roles[r]?.admin === true);
}

export function hasRecordPermission(pack: Pack, roles: readonly string[], recordType: string, permission: Permission): boolean {
  if (isAdmin(pack, roles)) return true;
  return roles.some((r) => pack.roles[r]?.records?.[recordType]?.includes(permission) === true);
}

export function readableRecordTypes(pack: Pack, roles: readonly string[]): string[] {
  return Object.keys(pack.records).filter((t) => hasRecordPermission(pack, roles, t, 'read'));
}

// Eligibility for these is decided by the machine's own guards (approver, queue member).
const APPROVAL_EVENTS = new Set(['approve', 'reject', 'recall', 'take']);

export function maySendEvent(pack: Pack, process: ProcessDefinition, roles: readonly string[], eventType: string): boolean {
  // Timer events come from the scheduler only.
  if (eventType.startsWith('timer:')) return roles.includes('system');
  if (!hasRecordPermission(pack, roles, process.record, 'read')) return false;
  if (APPROVAL_EVENTS.has(eventType)) return true;
  if (isAdmin(pack, roles)) return true;
  const declared = process.events?.[eventType];
  if (eventType === 'update' || !declared?.roles) return hasRecordPermission(pack, roles, process.record, 'update');
  return declared.roles.some((r) => roles.includes(r));
}
