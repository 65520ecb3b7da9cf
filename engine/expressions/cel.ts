/**
 * The one expression language of packs: CEL (https://github.com/google/cel-spec), through
 * @marcbachmann/cel-js, which interprets an AST: no eval, no `new Function`.
 *
 * Record fields are declared as `dyn` for checking: CEL has no nullable scalars, and admins
 * need `record.amount != null`. Unknown fields, syntax errors and type errors between
 * literals and operators are still caught when the pack loads (see docs/adr/0002).
 */
import { Environment } from '@marcbachmann/cel-js';

export interface Actor {
  id: string;
  roles: string[];
}

export interface ExpressionContext {
  record: Record<string, unknown>;
  event: Record<string, unknown>;
  actor: Actor;
  /** The event's time, ISO 8601 in UTC: expressions never read a clock. */
  now: string;
}

export interface ExpressionScope {
  recordType: string;
  recordFields: readonly string[];
  /** Declared payload fields of the event, or null when the expression runs outside an event. */
  event?: { name: string; fields: readonly string[] } | null;
}

export type CheckResult =
  | { ok: true; type?: string }
  | { ok: false; code: 'cel-syntax' | 'cel-type' | 'cel-unknown-field' | 'cel-unknown-event-field'; detail: string; field?: string };

export interface CompiledExpression {
  readonly source: string;
  evaluate(ctx: ExpressionContext): unknown;
}

type Evaluator = (ctx: Record<string, unknown>) => unknown;

// Evaluation needs no declarations: checking happened at load time, and typed variables
// would convert every record into a class instance on each call.
const runtimeEnv = new Environment({ unlistedVariablesAreDyn: true, homogeneousAggregateLiterals: false });

function checkingEnv(scope: ExpressionScope): Environment {
  const recordSchema: Record<string, string> = {};
  for (const f of scope.recordFields) recordSchema[f] = 'dyn';
  const env = new Environment({ homogeneousAggregateLiterals: false })
    .registerVariable({ name: 'record', schema: recordSchema })
    .registerVariable({ name: 'actor', schema: { id: 'string', roles: 'list<string>' } })
    .registerVariable('now', 'string');
  if (scope.event) {
    const eventSchema: Record<string, string> = {};
    for (const f of scope.event.fields) eventSchema[f] = 'dyn';
    env.registerVariable({ name: 'event', schema: eventSchema });
  } else {
    env.registerVariable('event', 'map');
  }
  return env;
}

const envCache = new Map<string, Environment>();

function firstLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.split('\n')[0] ?? text;
}

const checkCache = new Map<string, CheckResult>();

/** Checks an expression in its scope; results are remembered (a pack is re-checked often). */
export function checkExpression(source: string, scope: ExpressionScope): CheckResult {
  const key = `${scope.recordType}|${scope.recordFields.join(',')}|${scope.event ? scope.event.name + ':' + scope.event.fields.join(',') : ''}`;
  const cacheKey = `${key}\u0000${source}`;
  const cached = checkCache.get(cacheKey);
  if (cached) return cached;
  const result = checkExpressionUncached(source, scope, key);
  checkCache.set(cacheKey, result);
  if (checkCache.size > 5000) checkCache.delete(checkCache.keys().next().value as string);
  return result;
}

function checkExpressionUncached(source: string, scope: ExpressionScope, key: string): CheckResult {
  let env = envCache.get(key);
  if (!env) {
    env = checkingEnv(scope);
    envCache.set(key, env);
  }
  try {
    env.parse(source);
  } catch (e) {
    return { ok: false, code: 'cel-syntax', detail: firstLine(e) };
  }
  const result = env.check(source);
  if (result.valid) return { ok: true, type: String(result.type) };
  const detail = firstLine(result.error);
  const missing = /No such key: (\w+)/.exec(detail);
  if (missing?.[1]) {
    const field = missing[1];
    // The checker names the key but not the variable; the source tells which one it was
    // (`record.note` is unknown while the event declares `note`: the record's field is the problem).
    if (scope.event && !scope.event.fields.includes(field) && new RegExp(`\\bevent\\s*\\.\\s*${field}\\b`).test(source)) {
      return { ok: false, code: 'cel-unknown-event-field', detail, field };
    }
    return { ok: false, code: 'cel-unknown-field', detail, field };
  }
  return { ok: false, code: 'cel-type', detail };
}

/** CEL integers are BigInt; records hold JSON numbers. */
export function toPlain(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map(toPlain);
  if (value instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of value) out[String(k)] = toPlain(v);
    return out;
  }
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toPlain(v);
    return out;
  }
  return value;
}

const compiledCache = new Map<string, CompiledExpression>();

export function compileExpression(source: string): CompiledExpression {
  const cached = compiledCache.get(source);
  if (cached) return cached;
  const fn = runtimeEnv.parse(source) as unknown as Evaluator;
  const compiled: CompiledExpression = {
    source,
    evaluate: (ctx) => toPlain(fn({ record: ctx.record, event: ctx.event, actor: ctx.actor, now: ctx.now })),
  };
  compiledCache.set(source, compiled);
  return compiled;
}

/** Evaluates a guard: an error (a missing value, a wrong type at run time) counts as false. */
export function evaluateGuard(expr: CompiledExpression, ctx: ExpressionContext): boolean {
  try {
    return expr.evaluate(ctx) === true;
  } catch {
    return false;
  }
}
