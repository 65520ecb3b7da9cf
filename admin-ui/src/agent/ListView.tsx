/**
 * The generated list of a record type (`recordType`) or of a work queue (`queue`): columns,
 * filters and default sort come from the pack's `list`; pages, sort and filters are applied by
 * the server. The page refreshes itself when a record of the list changes.
 * A record type's saved views (`list.views`) show as tabs; `view` is the one in the URL, its
 * filters are applied under the user's own. Rows can be selected for bulk actions (the mail
 * merge of dossiers), across pages.
 */
import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../api/client';
import type { RecordType, RecordView } from '../api/types';
import { href } from '../app/router';
import { recordTypeOf, useSession } from '../app/session';
import { useLocalized } from '../i18n';
import { useLiveChanges, type Watch } from '../realtime/socket';
import { columnsFor, defaultSort, filtersFor, isBuiltin, sortKey, type SortState } from './columns';
import { formatDateTime, formatValue, langOf } from './format';
import { useYesNo } from './FieldValue';
import { useDocumentTitle } from './useDocumentTitle';
import { BulkMerge } from '../census/BulkMerge';
import { canMerge } from '../census/census-api';
import { savedViewsOf } from '../census/views';

const PAGE_SIZE = 25;

interface Page {
  total: number;
  items: RecordView[];
}

interface Criteria {
  q: string;
  filters: Record<string, string>;
}

const EMPTY_CRITERIA: Criteria = { q: '', filters: {} };

export function ListView(props: { recordType?: string; queue?: string; view?: string }) {
  const { t, i18n } = useTranslation('agent');
  const { t: tc } = useTranslation('census');
  const L = useLocalized();
  const lang = langOf(i18n.language);
  const yesNo = useYesNo();
  const session = useSession();
  const queueView = props.queue !== undefined;
  const rt: RecordType | undefined = props.recordType ? recordTypeOf(session, props.recordType) : undefined;
  const queue = props.queue ? session.queues.find((q) => q.id === props.queue) : undefined;
  const known = queueView ? queue !== undefined : rt !== undefined;

  const columns = useMemo(() => columnsFor(rt, queueView), [rt, queueView]);
  const filterNames = useMemo(() => filtersFor(rt, queueView), [rt, queueView]);
  const [sort, setSort] = useState<SortState>(() => defaultSort(rt, queueView));
  const [draft, setDraft] = useState<Criteria>(EMPTY_CRITERIA);
  const [applied, setApplied] = useState<Criteria>(EMPTY_CRITERIA);
  const [offset, setOffset] = useState(0);
  const [page, setPage] = useState<Page | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const [taking, setTaking] = useState<string | null>(null);
  const [rowErrors, setRowErrors] = useState<Record<string, string>>({});
  const [notice, setNotice] = useState('');
  const seq = useRef(0);
  // The view is fixed for this instance (App keys the list by it): a new view starts afresh.
  const views = useMemo(() => (queueView ? [] : savedViewsOf(rt)), [rt, queueView]);
  const activeView = props.view !== undefined ? views.find((v) => v.id === props.view) : undefined;
  const unknownView = props.view !== undefined && activeView === undefined;
  const viewFilters = activeView?.filters;
  // Selected rows (id → title, for the bulk action's result), kept across pages and sorts.
  const [selected, setSelected] = useState<Map<string, string>>(() => new Map());
  const [merging, setMerging] = useState(false);
  // The mail merge attaches letters to the `letters` file list of the records it merges.
  const lettersField = rt?.fields['letters'];
  const bulkMerge = !queueView && rt !== undefined && lettersField?.type === 'list' && lettersField.of === 'file' && canMerge(session.me);
  const selectable = bulkMerge;

  const title = queueView ? t('list.queueTitle', { label: queue ? L(queue.label) : props.queue }) : rt ? L(rt.plural ?? rt.label) : props.recordType ?? '';
  useDocumentTitle(known ? (activeView ? `${L(activeView.label)} – ${title}` : title) : t('list.unknown'));

  useEffect(() => {
    if (!known) return;
    const n = ++seq.current;
    const params = new URLSearchParams();
    if (props.recordType) params.set('type', props.recordType);
    if (props.queue) params.set('queue', props.queue);
    for (const [k, v] of Object.entries(viewFilters ?? {})) params.set(k, v);
    for (const [k, v] of Object.entries(applied.filters)) if (v !== '') params.set(k, v);
    if (applied.q.trim()) params.set('q', applied.q.trim());
    params.set('sort', sort.by);
    params.set('direction', sort.direction);
    params.set('limit', String(PAGE_SIZE));
    params.set('offset', String(offset));
    setLoading(true);
    api<Page>('GET', `/records?${params.toString()}`)
      .then((p) => {
        if (n !== seq.current) return;
        // A live change may have emptied the last page: step back to the last one with rows.
        if (p.items.length === 0 && offset > 0 && p.total > 0) {
          setOffset(Math.max(0, Math.floor((p.total - 1) / PAGE_SIZE) * PAGE_SIZE));
          return;
        }
        setPage(p);
        setError(null);
      })
      .catch((e: unknown) => {
        if (n !== seq.current) return;
        setError(e instanceof ApiError ? e.message : t('error.generic'));
      })
      .finally(() => {
        if (n === seq.current) setLoading(false);
      });
  }, [known, props.recordType, props.queue, viewFilters, applied, sort, offset, tick, t]);

  // Live refresh: several changes in a burst give one reload of the current page.
  const timer = useRef<number | null>(null);
  useEffect(() => () => { if (timer.current !== null) window.clearTimeout(timer.current); }, []);
  const watch: Watch | null = !known ? null : queueView && props.queue ? { queue: props.queue } : props.recordType ? { recordType: props.recordType } : null;
  const onLive = useCallback(() => {
    if (timer.current !== null) window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => {
      timer.current = null;
      setTick((x) => x + 1);
    }, 250);
  }, []);
  useLiveChanges(watch, onLive);

  if (!known) {
    return (
      <section>
        <h1>{t('list.unknown')}</h1>
        <p><a href={href({ name: 'home' })}>{t('backHome')}</a></p>
      </section>
    );
  }

  const apply = (next: Criteria) => {
    setApplied(next);
    setOffset(0);
  };
  const setFilter = (name: string, value: string, immediate: boolean) => {
    const next = { ...draft, filters: { ...draft.filters, [name]: value } };
    setDraft(next);
    if (immediate) apply(next);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    apply(draft);
  };
  const reset = () => {
    setDraft(EMPTY_CRITERIA);
    apply(EMPTY_CRITERIA);
  };
  const toggleSort = (key: string) => {
    setSort((s) => (s.by === key ? { by: key, direction: s.direction === 'asc' ? 'desc' : 'asc' } : { by: key, direction: 'asc' }));
    setOffset(0);
  };

  const take = async (item: RecordView) => {
    setTaking(item.id);
    setRowErrors((r) => ({ ...r, [item.id]: '' }));
    try {
      const view = await api<RecordView>('POST', `/records/${encodeURIComponent(item.id)}/events`, { type: 'take', data: {}, expectedVersion: item.version });
      setPage((p) => (p ? { ...p, items: p.items.map((x) => (x.id === view.id ? { ...x, ...view } : x)) } : p));
      setNotice(t('list.takenNotice', { title: item.title ?? item.id }));
    } catch (e) {
      setRowErrors((r) => ({ ...r, [item.id]: e instanceof ApiError ? e.message : t('error.generic') }));
    } finally {
      setTaking(null);
    }
  };

  const columnLabel = (c: string): string => {
    if (c === '$title') return t('columns.title');
    if (c === '$type') return t('columns.recordType');
    if (isBuiltin(c)) return t(`columns.${c}`);
    return L(rt?.fields[c]?.label);
  };

  const ownerName = (id: string | null): string => (id ? session.users[id] ?? id : t('value.unassigned'));

  const cell = (c: string, item: RecordView): ReactNode => {
    const itemType = recordTypeOf(session, item.recordType);
    switch (c) {
      case '$title':
        return item.title ?? item.id;
      case '$type':
        return itemType ? L(itemType.label) : item.recordType;
      case 'status':
        return item.statusLabel ? L(item.statusLabel) : item.status;
      case 'step': {
        const step = itemType?.steps.find((s) => s.id === item.step);
        return step ? L(step.label) : item.step ?? '';
      }
      case 'owner':
        return item.owner ? ownerName(item.owner) : <span className="value-empty">{t('value.unassigned')}</span>;
      case 'queue': {
        const q = session.queues.find((x) => x.id === item.queue);
        return q ? L(q.label) : item.queue ?? '';
      }
      case 'team':
        return item.team ?? '';
      case 'createdAt':
      case 'updatedAt':
        return <time dateTime={item[c]}>{formatDateTime(item[c], lang)}</time>;
      default:
        return formatValue(itemType?.fields[c], item.fields[c], lang, yesNo);
    }
  };

  // The title field's cell links to the record; without one among the columns, the first cell does.
  const titleColumn = columns.find((c) => c === '$title' || (rt?.title !== undefined && c === rt.title)) ?? columns[0];

  const total = page?.total ?? 0;
  const from = total === 0 ? 0 : offset + 1;
  const to = Math.min(offset + PAGE_SIZE, total);
  const range = t('list.range', { from, to, total });
  const sortedColumn = columns.find((c) => sortKey(c, rt) === sort.by);
  const canCreate = !queueView && rt !== undefined && session.me.creatableRecordTypes.includes(rt.record);
  const activeFilters = Object.values(applied.filters).some((v) => v !== '') || applied.q.trim() !== '';
  const pageItems = page?.items ?? [];
  const pageAllSelected = pageItems.length > 0 && pageItems.every((i) => selected.has(i.id));
  const select = (items: RecordView[], on: boolean) =>
    setSelected((old) => {
      const next = new Map(old);
      for (const i of items) {
        if (on) next.set(i.id, i.title ?? i.id);
        else next.delete(i.id);
      }
      return next;
    });

  return (
    <section className="list-view" aria-labelledby="list-title">
      <div className="list-head">
        <h1 id="list-title">{title}</h1>
        {canCreate && (
          <a className="button-link" href={href({ name: 'new', recordType: rt.record })}>
            {t('list.new')}<span className="visually-hidden"> – {L(rt.label)}</span>
          </a>
        )}
      </div>

      {views.length > 0 && rt && (
        <nav className="view-tabs" aria-label={tc('views.label')}>
          <ul>
            <li>
              <a href={href({ name: 'list', recordType: rt.record })} aria-current={props.view === undefined ? 'page' : undefined}>{tc('views.all')}</a>
            </li>
            {views.map((v) => (
              <li key={v.id}>
                <a href={href({ name: 'list', recordType: rt.record, view: v.id })} aria-current={v.id === props.view ? 'page' : undefined}>{L(v.label)}</a>
              </li>
            ))}
          </ul>
        </nav>
      )}
      {unknownView && <p role="alert" className="error-box">{tc('views.unknown', { view: props.view })}</p>}

      <form className="list-filters" role="search" aria-label={t('list.filtersLabel')} onSubmit={submit}>
        <div className="filter">
          <label htmlFor="list-q">{t('list.search')}</label>
          <input id="list-q" type="search" value={draft.q} onChange={(e) => setDraft({ ...draft, q: e.target.value })} />
        </div>
        {filterNames.map((f) => (
          <FilterControl key={f} name={f} rt={rt} value={draft.filters[f] ?? ''} onChange={setFilter} />
        ))}
        <div className="filter-actions">
          <button type="submit">{t('list.apply')}</button>
          <button type="button" className="secondary" onClick={reset} disabled={!activeFilters && draft.q === '' && Object.values(draft.filters).every((v) => v === '')}>
            {t('list.reset')}
          </button>
        </div>
      </form>

      {error && <p role="alert" className="error-box">{error}</p>}
      <p className="visually-hidden" aria-live="polite">{notice}</p>

      {selectable && (
        <div className="bulk-bar" role="group" aria-label={tc('bulk.label')}>
          <span aria-live="polite">{tc('bulk.selected', { count: selected.size })}</span>
          <button type="button" className="secondary" onClick={() => select(pageItems, true)} disabled={pageItems.length === 0 || pageAllSelected}>{tc('bulk.selectPage')}</button>
          <button type="button" className="secondary" onClick={() => setSelected(new Map())} disabled={selected.size === 0}>{tc('bulk.clear')}</button>
          {bulkMerge && (
            <button type="button" onClick={() => setMerging(true)} disabled={selected.size === 0 || merging} aria-expanded={merging}>{tc('bulk.merge')}</button>
          )}
        </div>
      )}
      {merging && selected.size > 0 && (
        <BulkMerge selected={[...selected].map(([id, title]) => ({ id, title }))} onClose={() => setMerging(false)} />
      )}

      {page === null && loading ? (
        <p role="status">{t('loading')}</p>
      ) : (
        <>
          <p className="list-summary" role="status">{total === 0 ? t('list.empty') : range}</p>
          {page && page.items.length > 0 && (
            <div className="table-wrap">
              <table className="records" aria-busy={loading}>
                <caption className="visually-hidden">
                  {title}
                  {activeView && ` – ${L(activeView.label)}`}
                  {sortedColumn !== undefined && ` – ${t(sort.direction === 'asc' ? 'list.sortedAsc' : 'list.sortedDesc', { column: columnLabel(sortedColumn) })}`}
                  {` – ${range}`}
                </caption>
                <thead>
                  <tr>
                    {selectable && (
                      <th scope="col" className="select-cell">
                        <input type="checkbox" aria-label={tc('bulk.selectPage')} checked={pageAllSelected} onChange={(e) => select(pageItems, e.target.checked)} />
                      </th>
                    )}
                    {columns.map((c) => {
                      const key = sortKey(c, rt);
                      const active = key !== null && key === sort.by;
                      return (
                        <th key={c} scope="col" aria-sort={active ? (sort.direction === 'asc' ? 'ascending' : 'descending') : undefined}>
                          {key === null ? (
                            columnLabel(c)
                          ) : (
                            <button type="button" className="sort-button" onClick={() => toggleSort(key)}>
                              {columnLabel(c)}
                              <span className="sort-icon" aria-hidden="true">{active ? (sort.direction === 'asc' ? '▲' : '▼') : '↕'}</span>
                            </button>
                          )}
                        </th>
                      );
                    })}
                    {queueView && <th scope="col">{t('list.actions')}</th>}
                  </tr>
                </thead>
                <tbody>
                  {page.items.map((item) => (
                    <tr key={item.id}>
                      {selectable && (
                        <td className="select-cell">
                          <input type="checkbox" aria-label={tc('bulk.select', { title: item.title ?? item.id })} checked={selected.has(item.id)} onChange={(e) => select([item], e.target.checked)} />
                        </td>
                      )}
                      {columns.map((c) => (
                        <td key={c}>
                          {c === titleColumn ? <a href={href({ name: 'record', id: item.id })}>{cell(c, item) || item.title || item.id}</a> : cell(c, item)}
                        </td>
                      ))}
                      {queueView && (
                        <td className="row-actions">
                          {item.owner === session.me.user.id ? (
                            <span className="value-muted">{t('list.yours')}</span>
                          ) : (
                            <button
                              type="button"
                              onClick={() => void take(item)}
                              disabled={taking === item.id}
                              aria-describedby={rowErrors[item.id] ? `take-error-${item.id}` : undefined}
                            >
                              {t('list.take')}<span className="visually-hidden"> – {item.title ?? item.id}</span>
                            </button>
                          )}
                          {rowErrors[item.id] && (
                            <p id={`take-error-${item.id}`} role="alert" className="field-error">{rowErrors[item.id]}</p>
                          )}
                        </td>
                      )}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {total > PAGE_SIZE && (
            <nav className="pagination" aria-label={t('list.pagination')}>
              <button type="button" className="secondary" disabled={offset === 0 || loading} onClick={() => setOffset(Math.max(0, offset - PAGE_SIZE))}>
                {t('list.previous')}
              </button>
              <span>{range}</span>
              <button type="button" className="secondary" disabled={offset + PAGE_SIZE >= total || loading} onClick={() => setOffset(offset + PAGE_SIZE)}>
                {t('list.next')}
              </button>
            </nav>
          )}
        </>
      )}
    </section>
  );
}

function FilterControl(props: { name: string; rt: RecordType | undefined; value: string; onChange: (name: string, value: string, immediate: boolean) => void }) {
  const { t } = useTranslation('agent');
  const L = useLocalized();
  const session = useSession();
  const { name, rt, value, onChange } = props;
  const id = `filter-${name}`;
  const select = (label: string, options: Array<[string, string]>) => (
    <div className="filter">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(name, e.target.value, true)}>
        <option value="">{t('list.any')}</option>
        {options.map(([k, v]) => (
          <option key={k} value={k}>{v}</option>
        ))}
      </select>
    </div>
  );
  switch (name) {
    case 'status':
      return select(t('columns.status'), Object.entries(rt?.statuses ?? {}).map(([k, v]) => [k, L(v)]));
    case 'step':
      return select(t('columns.step'), (rt?.steps ?? []).map((s) => [s.id, L(s.label)]));
    case 'owner':
      return select(t('columns.owner'), [['me', t('list.ownerMine')]]);
    case 'queue':
      return select(t('columns.queue'), session.queues.map((q) => [q.id, L(q.label)]));
    case 'team':
      return (
        <div className="filter">
          <label htmlFor={id}>{t('columns.team')}</label>
          <input id={id} value={value} onChange={(e) => onChange(name, e.target.value, false)} />
        </div>
      );
    default: {
      const def = rt?.fields[name];
      if (!def) return null;
      if (def.type === 'enum') return select(L(def.label), Object.entries(def.values ?? {}).map(([k, v]) => [k, L(v)]));
      if (def.type === 'boolean') return select(L(def.label), [['true', t('value.yes')], ['false', t('value.no')]]);
      return (
        <div className="filter">
          <label htmlFor={id}>{L(def.label)}</label>
          <input id={id} type={def.type === 'date' ? 'date' : 'text'} value={value} onChange={(e) => onChange(name, e.target.value, def.type === 'date')} />
        </div>
      );
    }
  }
}
