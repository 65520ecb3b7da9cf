/**
 * A sandbox instance of a process, run by the engine in the browser: start it with field
 * values, fire events as a user with chosen roles, fire timers, and see states, fields, timers
 * and the effects it would queue. Nothing is sent to the server.
 */
import { useEffect, useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { compileProcess, type CompiledProcess } from '../../../engine/compiler';
import { applyEvent, availableEvents, canApply, startInstance, type InstanceSnapshot, type InstanceSummary, type StepOutcome, type TimerPlan } from '../../../engine/instance';
import { EngineError, ValidationError } from '../../../engine/errors';
import { hasRecordPermission, maySendEvent } from '../../../engine/access';
import type { Pack } from '../../../engine/pack';
import type { FieldDefinition } from '../../../engine/fields';
import type { Lang } from '../api/types';
import { localized, useLocalized } from '../i18n';

interface LogEntry {
  n: number;
  event: string;
  actor: string;
  at: string;
  outcome: StepOutcome;
}

interface Sim {
  compiled: CompiledProcess;
  snapshot: InstanceSnapshot;
  summary: InstanceSummary;
  timers: TimerPlan[];
  log: LogEntry[];
}

interface Props {
  pack: Pack | null;
  /** The process of the open file, proposed first. */
  preferredProcess: string | null;
  onActiveStates: (process: string | null, states: string[]) => void;
}

const NO_DATE = Number.MAX_SAFE_INTEGER;

function toLocalInput(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function fieldValue(def: FieldDefinition, raw: string): unknown {
  if (raw.trim() === '') return undefined;
  switch (def.type) {
    case 'number':
    case 'money': {
      const n = Number(raw.replace(',', '.'));
      return Number.isFinite(n) ? n : raw;
    }
    case 'boolean':
      return raw === 'true';
    case 'datetime': {
      // The form gives local time without a zone; the engine stores an instant.
      const ms = Date.parse(raw);
      return Number.isFinite(ms) ? new Date(ms).toISOString() : raw;
    }
    case 'address':
    case 'list':
    case 'file':
      try {
        return JSON.parse(raw) as unknown;
      } catch {
        return raw;
      }
    default:
      return raw;
  }
}

function show(v: unknown): string {
  if (v === null || v === undefined) return '—';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

export function Simulator({ pack, preferredProcess, onActiveStates }: Props) {
  const { t, i18n } = useTranslation('studio');
  const L = useLocalized();
  const lang: Lang = i18n.language === 'nl' || i18n.language === 'en' ? i18n.language : 'fr';
  const uid = useId();
  const processes = useMemo(() => Object.keys(pack?.processes ?? {}), [pack]);
  const [processId, setProcessId] = useState<string>('');
  const chosen = processes.includes(processId) ? processId : preferredProcess && processes.includes(preferredProcess) ? preferredProcess : (processes[0] ?? '');
  const def = pack?.processes[chosen];
  const record = def ? pack?.records[def.record] : undefined;
  const roles = useMemo(() => Object.keys(pack?.roles ?? {}), [pack]);

  const [userId, setUserId] = useState('sim-user');
  const [actorRoles, setActorRoles] = useState<string[]>([]);
  const [values, setValues] = useState<Record<string, string>>({});
  const [payload, setPayload] = useState('{}');
  const [now, setNow] = useState(() => Date.now());
  const [sim, setSim] = useState<Sim | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  // Default roles: those that may create records of this type.
  useEffect(() => {
    if (!pack || !def) return;
    const creators = roles.filter((r) => pack.roles[r]?.records?.[def.record]?.includes('create') && !pack.roles[r]?.admin);
    setActorRoles(creators.length ? [creators[0] as string] : roles.slice(0, 1));
    setValues({});
    // Only when the process changes.
  }, [chosen]);

  useEffect(() => {
    onActiveStates(sim ? sim.compiled.id : null, sim ? sim.summary.states : []);
  }, [sim, onActiveStates]);

  const errorText = (e: unknown): string => {
    if (e instanceof ValidationError) {
      const fields = Object.entries(e.fieldErrors).map(([k, v]) => `${k} : ${localized(v, lang)}`);
      return [localized(e.localized, lang), ...fields].join('\n');
    }
    if (e instanceof EngineError) return localized(e.localized, lang);
    return e instanceof Error ? e.message : String(e);
  };

  const actor = { id: userId.trim() || 'sim-user', roles: actorRoles };

  const start = () => {
    setError(null);
    setNotice(null);
    if (!pack || !def || !record) return;
    if (!hasRecordPermission(pack, actor.roles, def.record, 'create')) {
      setError(t('sim.cannotCreate', { record: L(record.label), roles: actor.roles.join(', ') || '—' }));
      return;
    }
    const fields: Record<string, unknown> = {};
    for (const [name, f] of Object.entries(record.fields)) {
      if (f.computed) continue;
      const v = fieldValue(f, values[name] ?? '');
      if (v !== undefined) fields[name] = v;
    }
    try {
      const compiled = compileProcess(pack, chosen, 0);
      const at = new Date(now).toISOString();
      const outcome = startInstance(compiled, fields, { type: 'create', actor, data: {}, at });
      setSim({ compiled, snapshot: outcome.snapshot, summary: outcome.summary, timers: outcome.timersSet, log: [{ n: 1, event: 'create', actor: actor.id, at, outcome }] });
      setNotice(t('sim.started', { states: outcome.summary.states.join(' / ') }));
    } catch (e) {
      setError(errorText(e));
    }
  };

  const step = (type: string, data: Record<string, unknown>, who: { id: string; roles: string[] }, atMs: number) => {
    if (!sim) return;
    setError(null);
    setNotice(null);
    const at = new Date(atMs).toISOString();
    try {
      const timers = sim.timers.filter((x) => x.key !== type);
      const outcome = applyEvent(sim.compiled, sim.snapshot, { type, actor: who, data, at });
      const cancelled = new Set([...outcome.timersCancelled, ...outcome.timersSet.map((x) => x.key)]);
      const next = [...timers.filter((x) => !cancelled.has(x.key)), ...outcome.timersSet];
      setSim({ ...sim, snapshot: outcome.snapshot, summary: outcome.summary, timers: next, log: [...sim.log, { n: sim.log.length + 1, event: type, actor: who.id, at, outcome }] });
      setNow(atMs);
      setNotice(t('sim.applied', { event: type, states: outcome.summary.states.join(' / ') }));
    } catch (e) {
      setError(errorText(e));
    }
  };

  const fire = (type: string) => {
    if (!sim || !pack) return;
    let data: unknown;
    try {
      data = payload.trim() === '' ? {} : JSON.parse(payload);
    } catch {
      setError(t('sim.badJson'));
      return;
    }
    if (typeof data !== 'object' || data === null || Array.isArray(data)) {
      setError(t('sim.badJson'));
      return;
    }
    if (!maySendEvent(pack, sim.compiled.definition, actor.roles, type)) {
      setError(t('sim.forbidden', { event: type, roles: actor.roles.join(', ') || '—' }));
      return;
    }
    step(type, data as Record<string, unknown>, actor, now);
  };

  const fireTimer = (timer: TimerPlan) => {
    step(timer.eventType, {}, { id: 'system', roles: ['system'] }, timer.dueAt === NO_DATE ? now : Math.max(now, timer.dueAt));
  };

  const tz = pack?.manifest.timezone ?? 'Europe/Brussels';
  const fmt = (ms: number): string =>
    ms === NO_DATE ? t('sim.noDate') : new Intl.DateTimeFormat(`${lang}-BE`, { dateStyle: 'medium', timeStyle: 'short', timeZone: tz }).format(new Date(ms));

  const exampleFor = (type: string): string => {
    if (!sim) return '{}';
    if (type === 'update') return JSON.stringify({ fields: {} }, null, 2);
    if (type === 'reject') return JSON.stringify({ comment: '' }, null, 2);
    if (type === 'approve' || type === 'recall' || type === 'take') return '{}';
    const fields = sim.compiled.definition.events?.[type]?.fields ?? {};
    const example: Record<string, unknown> = {};
    for (const [k, f] of Object.entries(fields)) example[k] = f.type === 'enum' ? Object.keys(f.values ?? {})[0] ?? '' : f.type === 'number' || f.type === 'money' ? 0 : f.type === 'boolean' ? false : '';
    return JSON.stringify(example, null, 2);
  };

  const eventLabel = (type: string): string => {
    const declared = sim?.compiled.definition.events?.[type];
    if (declared) return `${L(declared.label)} (${type})`;
    return `${t(`sim.builtin.${type}`, { defaultValue: type })} (${type})`;
  };

  if (!pack) {
    return <p className="studio-notice">{t('sim.needsValidPack')}</p>;
  }
  if (processes.length === 0) return <p>{t('sim.noProcess')}</p>;

  const events = sim ? availableEvents(sim.compiled, sim.snapshot) : [];
  const stale = sim !== null && sim.compiled.pack !== pack;
  const last = sim?.log[sim.log.length - 1];
  const timerSpec = (key: string): string => {
    const tm = sim?.compiled.timers.get(key);
    if (!tm) return key;
    const s = tm.spec;
    return s.delay ? `after ${s.delay}${s.calendar ? ` (${s.calendar})` : ''} → ${s.to ?? tm.state}` : `at ${s.at ?? ''} → ${s.to ?? tm.state}`;
  };

  return (
    <div className="studio-sim">
      <div className="studio-sim-setup">
        <label htmlFor={`${uid}-process`}>{t('sim.process')}</label>
        <select id={`${uid}-process`} value={chosen} onChange={(e) => { setProcessId(e.target.value); setSim(null); }}>
          {processes.map((p) => (
            <option key={p} value={p}>{`${L(pack.processes[p]?.label)} (${p})`}</option>
          ))}
        </select>

        <fieldset>
          <legend>{t('sim.actor')}</legend>
          <label htmlFor={`${uid}-user`}>{t('sim.userId')}</label>
          <input id={`${uid}-user`} value={userId} onChange={(e) => setUserId(e.target.value)} />
          <div className="studio-roles" role="group" aria-label={t('sim.roles')}>
            <span className="studio-label">{t('sim.roles')}</span>
            {roles.map((r) => (
              <label key={r} className="studio-check">
                <input type="checkbox" checked={actorRoles.includes(r)} onChange={(e) => setActorRoles((rs) => (e.target.checked ? [...rs, r] : rs.filter((x) => x !== r)))} />
                {L(pack.roles[r]?.label)} <code>{r}</code>
              </label>
            ))}
          </div>
        </fieldset>

        <label htmlFor={`${uid}-now`}>{t('sim.clock')}</label>
        <input id={`${uid}-now`} type="datetime-local" value={toLocalInput(now)} onChange={(e) => { const ms = Date.parse(e.target.value); if (Number.isFinite(ms)) setNow(ms); }} />
      </div>

      {!sim && record && (
        <form className="studio-sim-start" onSubmit={(e) => { e.preventDefault(); start(); }}>
          <fieldset>
            <legend>{t('sim.initialFields', { record: L(record.label) })}</legend>
            <div className="studio-sim-fields">
              {Object.entries(record.fields).filter(([, f]) => !f.computed).map(([name, f]) => {
                const id = `${uid}-f-${name}`;
                const v = values[name] ?? '';
                const set = (x: string) => setValues((old) => ({ ...old, [name]: x }));
                return (
                  <div key={name} className="studio-sim-field">
                    <label htmlFor={id}>{L(f.label)} <code>{name}</code>{f.required ? ` (${t('sim.required')})` : ''}</label>
                    {f.type === 'enum' ? (
                      <select id={id} value={v} onChange={(e) => set(e.target.value)}>
                        <option value="">—</option>
                        {Object.entries(f.values ?? {}).map(([k, label]) => <option key={k} value={k}>{L(label)}</option>)}
                      </select>
                    ) : f.type === 'boolean' ? (
                      <select id={id} value={v} onChange={(e) => set(e.target.value)}>
                        <option value="">—</option>
                        <option value="true">{t('sim.yes')}</option>
                        <option value="false">{t('sim.no')}</option>
                      </select>
                    ) : (
                      <input id={id} value={v} onChange={(e) => set(e.target.value)} type={f.type === 'date' ? 'date' : f.type === 'datetime' ? 'datetime-local' : f.type === 'number' || f.type === 'money' ? 'number' : f.type === 'email' ? 'email' : 'text'} step={f.type === 'money' ? '0.01' : undefined} />
                    )}
                  </div>
                );
              })}
            </div>
          </fieldset>
          <button type="submit">{t('sim.start')}</button>
        </form>
      )}

      <div aria-live="polite" className="studio-live">
        {error && <p className="error studio-pre" role="alert">{error}</p>}
        {notice && !error && <p className="studio-ok">{notice}</p>}
      </div>

      {sim && (
        <div className="studio-sim-run">
          {stale && <p className="studio-notice">{t('sim.stale')}</p>}
          <p>
            <button type="button" className="secondary" onClick={() => { setSim(null); setError(null); setNotice(null); }}>{t('sim.reset')}</button>{' '}
            <button type="button" className="secondary" onClick={start}>{t('sim.restart')}</button>
          </p>
          <h3>{t('sim.current')}</h3>
          <dl className="studio-dl" data-testid="sim-summary">
            <dt>{t('sim.states')}</dt>
            <dd data-testid="sim-states">{sim.summary.states.join(' / ')}</dd>
            <dt>{t('sim.status')}</dt>
            <dd data-testid="sim-status">{sim.summary.statusLabel ? `${L(sim.summary.statusLabel)} (${sim.summary.status})` : sim.summary.status || '—'}{sim.summary.done ? ` — ${t('sim.done')}` : ''}</dd>
            <dt>{t('sim.reason')}</dt>
            <dd>{sim.summary.reason ? L(sim.summary.reason) : '—'}</dd>
            <dt>{t('sim.step')}</dt>
            <dd>{sim.summary.step ?? '—'}</dd>
            <dt>{t('sim.owner')}</dt>
            <dd>{sim.summary.owner ?? '—'}</dd>
            <dt>{t('sim.queue')}</dt>
            <dd>{sim.summary.queue ?? '—'}</dd>
            <dt>{t('sim.team')}</dt>
            <dd>{sim.summary.team ?? '—'}</dd>
          </dl>

          <h3>{t('sim.events')}</h3>
          {events.length === 0 ? (
            <p>{t('sim.noEvents')}</p>
          ) : (
            <>
              <label htmlFor={`${uid}-payload`}>{t('sim.payload')}</label>
              <textarea id={`${uid}-payload`} className="studio-code" rows={4} value={payload} onChange={(e) => setPayload(e.target.value)} spellCheck={false} />
              <ul className="studio-events">
                {events.map((ev) => {
                  let data: Record<string, unknown> = {};
                  try {
                    const parsed: unknown = JSON.parse(payload || '{}');
                    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) data = parsed as Record<string, unknown>;
                  } catch {
                    data = {};
                  }
                  const possible = ev === 'update' || canApply(sim.compiled, sim.snapshot, { type: ev, actor, data, at: new Date(now).toISOString() });
                  const allowed = maySendEvent(pack, sim.compiled.definition, actor.roles, ev);
                  const hint = !allowed ? t('sim.hintRole') : !possible ? t('sim.hintGuard') : '';
                  return (
                    <li key={ev}>
                      <button type="button" onClick={() => fire(ev)} data-event={ev} aria-describedby={hint ? `${uid}-hint-${ev}` : undefined}>
                        {eventLabel(ev)}
                      </button>{' '}
                      <button type="button" className="link-button" onClick={() => setPayload(exampleFor(ev))} aria-label={t('sim.examplePayloadFor', { event: ev })}>
                        {t('sim.examplePayload')}
                      </button>
                      {hint && <span id={`${uid}-hint-${ev}`} className="studio-muted"> {hint}</span>}
                    </li>
                  );
                })}
              </ul>
            </>
          )}

          <h3>{t('sim.timers')}</h3>
          {sim.timers.length === 0 ? (
            <p>{t('sim.noTimers')}</p>
          ) : (
            <table className="studio-table" data-testid="sim-timers">
              <thead>
                <tr><th scope="col">{t('sim.timer')}</th><th scope="col">{t('sim.dueAt', { tz })}</th><th scope="col"><span className="visually-hidden">{t('sim.actions')}</span></th></tr>
              </thead>
              <tbody>
                {sim.timers.map((tm) => (
                  <tr key={tm.key}>
                    <td><code>{timerSpec(tm.key)}</code></td>
                    <td>{fmt(tm.dueAt)}</td>
                    <td><button type="button" onClick={() => fireTimer(tm)} aria-label={t('sim.fireTimerFor', { timer: timerSpec(tm.key) })}>{t('sim.fireTimer')}</button></td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}

          <h3>{t('sim.fields')}</h3>
          <table className="studio-table" data-testid="sim-fields">
            <thead><tr><th scope="col">{t('sim.field')}</th><th scope="col">{t('sim.value')}</th></tr></thead>
            <tbody>
              {Object.entries(sim.compiled.record.fields).map(([name, f]) => (
                <tr key={name}>
                  <th scope="row">{L(f.label)} <code>{name}</code></th>
                  <td>{show(sim.snapshot.context.fields[name])}</td>
                </tr>
              ))}
            </tbody>
          </table>

          {last && (
            <>
              <h3>{t('sim.lastStep', { event: last.event })}</h3>
              <h4>{t('sim.effects')}</h4>
              {last.outcome.effects.length === 0 ? (
                <p>{t('sim.noEffects')}</p>
              ) : (
                <ul data-testid="sim-effects">
                  {last.outcome.effects.map((ef, i) => (
                    <li key={i}>
                      <strong>{t(`sim.effect.${ef.kind}`)}</strong>{' '}
                      <code>{JSON.stringify(ef)}</code>
                    </li>
                  ))}
                </ul>
              )}
              <h4>{t('sim.changes')}</h4>
              {last.outcome.changes.length === 0 ? (
                <p>{t('sim.noChanges')}</p>
              ) : (
                <ul>
                  {last.outcome.changes.map((c) => (
                    <li key={c.field}><code>{c.field}</code> : {show(c.before)} → {show(c.after)}</li>
                  ))}
                </ul>
              )}
              {(last.outcome.timersSet.length > 0 || last.outcome.timersCancelled.length > 0) && (
                <p>
                  {last.outcome.timersSet.map((x) => t('sim.timerSet', { timer: timerSpec(x.key), at: fmt(x.dueAt) })).join(' ')}{' '}
                  {last.outcome.timersCancelled.map((k) => t('sim.timerCancelled', { timer: timerSpec(k) })).join(' ')}
                </p>
              )}
            </>
          )}

          <h3>{t('sim.log')}</h3>
          <ol className="studio-log">
            {sim.log.map((l) => (
              <li key={l.n}>{fmt(Date.parse(l.at))} — <code>{l.event}</code> ({l.actor}) → {l.outcome.summary.states.join(' / ')}</li>
            ))}
          </ol>
        </div>
      )}
    </div>
  );
}
