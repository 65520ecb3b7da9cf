/**
 * Assignment and auto-response rules (CC-6, CC-14, CC-52): conditions tried in the pack's
 * order, the first that holds wins; records that no rule matches go to the default (the
 * supervisor's queue in the commune's pack, CC-21).
 */
import { compileExpression, evaluateGuard, type Actor } from '../expressions';
import type { Pack } from '../pack/pack-types';

export interface Assignment {
  queue: string;
  team: string | null;
  /** Index of the rule that matched, or 'default'. */
  rule: number | 'default';
}

function context(pack: Pack, recordType: string, fields: Record<string, unknown>, now: string) {
  const record: Record<string, unknown> = {};
  for (const f of Object.keys(pack.records[recordType]?.fields ?? {})) record[f] = fields[f] ?? null;
  const actor: Actor = { id: 'system', roles: ['system'] };
  return { record, event: {}, actor, now };
}

/** The queue (and team) of a new record, or null when the pack has no rules for its type. */
export function assignRecord(pack: Pack, recordType: string, fields: Record<string, unknown>, now: string): Assignment | null {
  const def = pack.assignment[recordType];
  if (!def) return null;
  const ctx = context(pack, recordType, fields, now);
  for (const [i, rule] of def.rules.entries()) {
    if (evaluateGuard(compileExpression(rule.if), ctx)) {
      return { queue: rule.queue ?? def.default.queue, team: rule.team ?? def.default.team ?? null, rule: i };
    }
  }
  return { queue: def.default.queue, team: def.default.team ?? null, rule: 'default' };
}

/** The template of the automatic answer to a new record, or null when none applies. */
export function autoResponseTemplate(pack: Pack, recordType: string, fields: Record<string, unknown>, now: string): string | null {
  const def = pack.autoResponses[recordType];
  if (!def) return null;
  const ctx = context(pack, recordType, fields, now);
  for (const rule of def.rules) if (evaluateGuard(compileExpression(rule.if), ctx)) return rule.template;
  return def.default ?? null;
}
