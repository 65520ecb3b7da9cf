/**
 * The statechart of one process, laid out by ELK (layered, hierarchical) and drawn as SVG.
 * The SVG is one image for assistive technology (role="img"); the same content follows as
 * lists of states and transitions, whose buttons open the state in the editor.
 */
import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ELK as ElkApi, ElkEdgeSection, ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk.bundled.js';
import type { LocalizedText } from '../api/types';
import { useLocalized } from '../i18n';
import { buildChartModel, NODE, nodeId, toElkGraph, type ChartModel, type ChartState, type Measure } from './statechart-model';

let elk: Promise<ElkApi> | null = null;

/** ELK is big (1.6 MB): loaded with the first diagram, as its own chunk. */
function getElk(): Promise<ElkApi> {
  elk ??= import('elkjs/lib/elk.bundled.js').then((m) => new m.default());
  return elk;
}
let canvas: CanvasRenderingContext2D | null = null;

const FONTS = { name: '600 13px system-ui, sans-serif', sub: '12px system-ui, sans-serif', edge: '11px system-ui, sans-serif' } as const;

const measure: Measure = (text, font) => {
  if (!canvas) canvas = document.createElement('canvas').getContext('2d');
  if (!canvas) return text.length * 7;
  canvas.font = FONTS[font];
  return canvas.measureText(text).width;
};

interface Props {
  processId: string;
  def: Record<string, unknown>;
  statuses: Record<string, LocalizedText | undefined>;
  activeStates: readonly string[];
  onOpenState: (pointer: string) => void;
}

interface Laid {
  graph: ElkNode;
  key: string;
  /** The model the layout was made from (the drawing matches it even while a new one is computed). */
  model: ChartModel;
}

function flatten(node: ElkNode, out: ElkNode[] = []): ElkNode[] {
  for (const c of node.children ?? []) {
    out.push(c);
    flatten(c, out);
  }
  return out;
}

function pathOf(sections: ElkEdgeSection[] | undefined): string {
  return (sections ?? [])
    .map((s) => [s.startPoint, ...(s.bendPoints ?? []), s.endPoint].map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' '))
    .join(' ');
}

export function Statechart({ processId, def, statuses, activeStates, onOpenState }: Props) {
  const { t, i18n } = useTranslation('studio');
  const L = useLocalized();
  const defKey = useMemo(() => JSON.stringify(def), [def]);
  // The model depends on the definition's content, not its identity.
  const model = useMemo(() => buildChartModel(JSON.parse(defKey) as Record<string, unknown>), [defKey]);
  const statusKey = JSON.stringify(statuses);
  const layoutKey = `${defKey}|${i18n.language}|${statusKey}`;
  /** The line under each state's name: its status, and "parallel" for parallel states. */
  const subs = useMemo(() => {
    const out: Record<string, string> = {};
    for (const s of model.states) {
      const status = s.status ? L(statuses[s.status]) || s.status : '';
      out[s.name] = [status, s.kind === 'parallel' ? t('diagram.parallel') : ''].filter(Boolean).join(' · ');
    }
    return out;
    // statuses and the language are in layoutKey.
  }, [layoutKey, model]);
  const [laid, setLaid] = useState<Laid | null>(null);
  const [failed, setFailed] = useState(false);
  // 'fit': as wide as the panel, but never so small that the names cannot be read.
  const [zoom, setZoom] = useState<number | 'fit'>('fit');
  const canvasRef = useRef<HTMLDivElement | null>(null);
  const [panelWidth, setPanelWidth] = useState(0);
  useEffect(() => {
    const el = canvasRef.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setPanelWidth(el.clientWidth));
    ro.observe(el);
    setPanelWidth(el.clientWidth);
    return () => ro.disconnect();
  }, []);
  const seq = useRef(0);
  const openRef = useRef(onOpenState);
  openRef.current = onOpenState;
  const open = useCallback((pointer: string) => openRef.current(pointer), []);

  useEffect(() => {
    const mine = ++seq.current;
    // Debounced (longer for big charts): the YAML changes as the admin types.
    const timer = setTimeout(() => {
      const graph = toElkGraph(model, measure, (s) => subs[s.name] ?? '');
      getElk()
        .then((e) => e.layout(graph))
        .then((g) => {
          if (seq.current !== mine) return;
          setLaid({ graph: g, key: layoutKey, model });
          setFailed(false);
        })
        .catch(() => {
          if (seq.current === mine) setFailed(true);
        });
    }, 200 + Math.min(600, model.states.length * 3));
    return () => clearTimeout(timer);
  }, [layoutKey, model, subs]);

  const activeKey = activeStates.join('|');
  const width = laid?.graph.width ?? 0;
  const height = laid?.graph.height ?? 0;
  const scale = zoom === 'fit' ? (width > 0 && panelWidth > 0 ? Math.min(1, Math.max(0.6, (panelWidth - 2) / width)) : 1) : zoom;
  const aria = t('diagram.aria', { process: processId, states: model.states.length, transitions: model.edges.length });

  return (
    <figure className="studio-statechart">
      <div className="studio-zoom" role="group" aria-label={t('diagram.zoom')}>
        <button type="button" className="secondary" onClick={() => setZoom(Math.max(0.3, +(scale - 0.1).toFixed(1)))} aria-label={t('diagram.zoomOut')}>−</button>
        <span aria-live="polite">{Math.round(scale * 100)} %</span>
        <button type="button" className="secondary" onClick={() => setZoom(Math.min(2.4, +(scale + 0.1).toFixed(1)))} aria-label={t('diagram.zoomIn')}>+</button>
        <button type="button" className="secondary" onClick={() => setZoom(1)} aria-pressed={zoom === 1}>{t('diagram.zoomReset')}</button>
        <button type="button" className="secondary" onClick={() => setZoom('fit')} aria-pressed={zoom === 'fit'}>{t('diagram.zoomFit')}</button>
        {laid && laid.key !== layoutKey && <span className="studio-muted">{t('diagram.updating')}</span>}
      </div>
      <div className="studio-statechart-canvas" data-testid="statechart" data-process={processId} ref={canvasRef} role="region" aria-label={t('diagram.canvas', { process: processId })} tabIndex={0}>
        {failed && <p className="error">{t('diagram.layoutFailed')}</p>}
        {!laid && !failed && <p role="status">{t('diagram.layingOut')}</p>}
        {laid && <ChartSvg laid={laid} subs={subs} activeKey={activeKey} scale={scale} aria={aria} onOpen={open} />}
      </div>
      <figcaption>
        <ChartList model={model} subs={subs} activeKey={activeKey} onOpen={open} />
      </figcaption>
    </figure>
  );
}

interface SvgProps {
  laid: Laid;
  subs: Record<string, string>;
  activeKey: string;
  scale: number;
  aria: string;
  onOpen: (pointer: string) => void;
}

/** The drawing, redrawn only when the layout, the active states or the zoom change. */
const ChartSvg = memo(function ChartSvg({ laid, subs, activeKey, scale, aria, onOpen }: SvgProps) {
  const { model, graph } = laid;
  const active = new Set(activeKey ? activeKey.split('|') : []);
  const stateByNode = new Map(model.states.map((s) => [nodeId(s.name), s]));
  const nodes = flatten(graph);
  const edgeById = new Map(model.edges.map((e) => [e.id, e]));
  const elkEdges: ElkExtendedEdge[] = graph.edges ?? [];
  const isContainer = (n: ElkNode) => {
    const k = stateByNode.get(n.id)?.kind;
    return k === 'compound' || k === 'parallel';
  };
  const width = graph.width ?? 0;
  const height = graph.height ?? 0;

  const renderState = (n: ElkNode) => {
    const x = n.x ?? 0;
    const y = n.y ?? 0;
    const w = n.width ?? 0;
    const h = n.height ?? 0;
    if (n.id.startsWith('i:')) return <circle key={n.id} className="sc-initial-marker" cx={x + w / 2} cy={y + h / 2} r={w / 2} />;
    const s = stateByNode.get(n.id);
    if (!s) return null;
    const compound = s.kind === 'compound' || s.kind === 'parallel';
    const subText = subs[s.name] ?? '';
    const on = active.has(s.name);
    const classes = ['sc-state', `sc-${s.kind}`, s.region ? 'sc-region' : '', on ? 'sc-active' : ''].filter(Boolean).join(' ');
    const tx = compound ? x + NODE.padX : x + w / 2;
    const ty = y + NODE.padY + 13 + (s.kind === 'final' ? 3 : 0);
    return (
      <g key={n.id} className={classes} data-state={s.name} data-kind={s.kind} data-initial={s.initial ? 'true' : undefined} data-active={on ? 'true' : undefined} onClick={() => onOpen(s.pointer)}>
        <title>{[s.name, subText].filter(Boolean).join(' — ')}</title>
        <rect x={x} y={y} width={w} height={h} rx={compound ? 10 : 8} />
        {s.kind === 'final' && <rect className="sc-final-inner" x={x + 4} y={y + 4} width={w - 8} height={h - 8} rx={5} />}
        <text className="sc-name" x={tx} y={ty} textAnchor={compound ? 'start' : 'middle'}>{s.name}</text>
        {subText && <text className="sc-sub" x={tx} y={ty + NODE.subH} textAnchor={compound ? 'start' : 'middle'}>{subText}</text>}
      </g>
    );
  };

  return (
    <svg role="img" aria-label={aria} width={Math.ceil(width * scale)} height={Math.ceil(height * scale)} viewBox={`0 0 ${width} ${height}`} xmlns="http://www.w3.org/2000/svg">
      <title>{aria}</title>
      <defs>
        <marker id="sc-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse">
          <path d="M0,0 L10,5 L0,10 z" className="sc-arrowhead" />
        </marker>
      </defs>
      {nodes.filter(isContainer).map(renderState)}
      {elkEdges.map((e) => {
        const edge = edgeById.get(e.id);
        const initial = e.id.startsWith('init:');
        return (
          <g key={e.id} className={`sc-edge ${initial ? 'sc-edge-initial' : `sc-edge-${edge?.kind ?? 'event'}`}`} data-event={initial ? '' : edge?.event} data-from={edge?.from} data-to={edge?.to ?? e.id.slice(5)} data-initial={initial ? 'true' : undefined}>
            {edge && <title>{`${edge.label} → ${edge.to}`}</title>}
            <path d={pathOf(e.sections)} markerEnd="url(#sc-arrow)" />
          </g>
        );
      })}
      {nodes.filter((n) => !isContainer(n)).map(renderState)}
      {elkEdges.map((e) =>
        (e.labels ?? []).map((l) => (
          <g key={`${e.id}-label`} className="sc-edge-label" aria-hidden="true">
            <rect x={l.x ?? 0} y={l.y ?? 0} width={l.width ?? 0} height={l.height ?? 0} rx={3} />
            <text x={(l.x ?? 0) + 4} y={(l.y ?? 0) + 12}>{l.text}</text>
          </g>
        )),
      )}
    </svg>
  );
});

interface ListProps {
  model: ChartModel;
  subs: Record<string, string>;
  activeKey: string;
  onOpen: (pointer: string) => void;
}

/** The same chart as text: every state, what it is, and where each of its transitions leads. */
const ChartList = memo(function ChartList({ model, subs, activeKey, onOpen }: ListProps) {
  const { t } = useTranslation('studio');
  const active = new Set(activeKey ? activeKey.split('|') : []);
  const byName = new Map(model.states.map((s) => [s.name, s]));
  const describe = (s: ChartState): string => {
    const parts: string[] = [t(`diagram.kind.${s.kind}`)];
    if (s.initial) parts.push(t('diagram.initial'));
    if (s.region) parts.push(t('diagram.region'));
    if (s.parent) parts.push(t('diagram.inside', { parent: s.parent }));
    const sub = s.status ? (subs[s.name] ?? '').split(' · ')[0] : '';
    if (sub) parts.push(t('diagram.status', { status: sub }));
    if (active.has(s.name)) parts.push(t('diagram.activeNow'));
    return parts.join(', ');
  };
  const initialTop = model.states.find((s) => s.initial && s.parent === null);
  return (
    <details className="studio-statechart-list">
      <summary>{t('diagram.listTitle', { states: model.states.length, transitions: model.edges.length })}</summary>
      {initialTop && <p>{t('diagram.startsIn', { state: initialTop.name })}</p>}
      <ul>
        {model.states.map((s) => {
          const out = model.edges.filter((e) => e.from === s.name);
          return (
            <li key={s.name} style={{ marginInlineStart: `${s.depth * 1.25}rem` }} data-list-state={s.name}>
              <button type="button" className="link-button" onClick={() => onOpen(s.pointer)} aria-label={t('diagram.openState', { state: s.name })}>
                {s.name}
              </button>{' '}
              <span>({describe(s)})</span>
              {out.length > 0 && (
                <ul>
                  {out.map((e) => (
                    <li key={e.id}>
                      {e.label} → {e.to}
                      {byName.get(e.to)?.kind === 'final' ? ` (${t('diagram.kind.final')})` : ''}
                    </li>
                  ))}
                </ul>
              )}
            </li>
          );
        })}
      </ul>
    </details>
  );
});
