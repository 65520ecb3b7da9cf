/**
 * The statechart of one process, laid out by ELK (layered, hierarchical) and drawn as SVG.
 * The SVG is one image for assistive technology (role="img"); the same content follows as
 * lists of states and transitions, whose buttons open the state in the editor.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import ELK, { type ElkEdgeSection, type ElkExtendedEdge, type ElkNode } from 'elkjs/lib/elk.bundled.js';
import type { LocalizedText } from '../api/types';
import { useLocalized } from '../i18n';
import { buildChartModel, NODE, nodeId, toElkGraph, type ChartState, type Measure } from './statechart-model';

let elk: InstanceType<typeof ELK> | null = null;
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
  const sub = (s: ChartState): string => {
    if (s.kind === 'parallel') return t('diagram.parallel');
    return s.status ? L(statuses[s.status]) || s.status : '';
  };
  const layoutKey = `${defKey}|${i18n.language}|${JSON.stringify(statuses)}`;
  const [laid, setLaid] = useState<Laid | null>(null);
  const [failed, setFailed] = useState(false);
  const [zoom, setZoom] = useState(1);
  const seq = useRef(0);

  useEffect(() => {
    const mine = ++seq.current;
    // Debounced: the YAML changes as the admin types.
    const timer = setTimeout(() => {
      if (!elk) elk = new ELK();
      const graph = toElkGraph(model, measure, sub);
      elk
        .layout(graph)
        .then((g) => {
          if (seq.current !== mine) return;
          setLaid({ graph: g, key: layoutKey });
          setFailed(false);
        })
        .catch(() => {
          if (seq.current === mine) setFailed(true);
        });
    }, 200);
    return () => clearTimeout(timer);
    // `sub` reads the same inputs as layoutKey.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [layoutKey, model]);

  const active = new Set(activeStates);
  const stateByNode = new Map(model.states.map((s) => [nodeId(s.name), s]));
  const nodes = laid ? flatten(laid.graph) : [];
  const edgeById = new Map(model.edges.map((e) => [e.id, e]));
  const elkEdges: ElkExtendedEdge[] = laid?.graph.edges ?? [];
  const width = laid?.graph.width ?? 0;
  const height = laid?.graph.height ?? 0;
  const containers = nodes.filter((n) => stateByNode.get(n.id)?.kind === 'compound' || stateByNode.get(n.id)?.kind === 'parallel');
  const leaves = nodes.filter((n) => !containers.includes(n));
  const aria = t('diagram.aria', { process: processId, states: model.states.length, transitions: model.edges.length });

  const renderState = (n: ElkNode) => {
    const x = n.x ?? 0;
    const y = n.y ?? 0;
    const w = n.width ?? 0;
    const h = n.height ?? 0;
    if (n.id.startsWith('i:')) {
      return <circle key={n.id} className="sc-initial-marker" cx={x + w / 2} cy={y + h / 2} r={w / 2} />;
    }
    const s = stateByNode.get(n.id);
    if (!s) return null;
    const compound = s.kind === 'compound' || s.kind === 'parallel';
    const subText = sub(s);
    const classes = ['sc-state', `sc-${s.kind}`, s.region ? 'sc-region' : '', active.has(s.name) ? 'sc-active' : ''].filter(Boolean).join(' ');
    return (
      <g
        key={n.id}
        className={classes}
        data-state={s.name}
        data-kind={s.kind}
        data-initial={s.initial ? 'true' : undefined}
        data-active={active.has(s.name) ? 'true' : undefined}
        onClick={() => onOpenState(s.pointer)}
      >
        <title>{[s.name, subText].filter(Boolean).join(' — ')}</title>
        <rect x={x} y={y} width={w} height={h} rx={compound ? 10 : 8} />
        {s.kind === 'final' && <rect className="sc-final-inner" x={x + 4} y={y + 4} width={w - 8} height={h - 8} rx={5} />}
        <text className="sc-name" x={compound ? x + NODE.padX : x + w / 2} y={y + NODE.padY + 13 + (s.kind === 'final' ? 3 : 0)} textAnchor={compound ? 'start' : 'middle'}>
          {s.name}
        </text>
        {subText && (
          <text className="sc-sub" x={compound ? x + NODE.padX : x + w / 2} y={y + NODE.padY + 13 + NODE.subH + (s.kind === 'final' ? 3 : 0)} textAnchor={compound ? 'start' : 'middle'}>
            {subText}
          </text>
        )}
      </g>
    );
  };

  const byName = new Map(model.states.map((s) => [s.name, s]));
  const describe = (s: ChartState): string => {
    const parts: string[] = [t(`diagram.kind.${s.kind}`)];
    if (s.initial) parts.push(t('diagram.initial'));
    if (s.region) parts.push(t('diagram.region'));
    if (s.parent) parts.push(t('diagram.inside', { parent: s.parent }));
    if (s.status) parts.push(t('diagram.status', { status: L(statuses[s.status]) || s.status }));
    return parts.join(', ');
  };
  const initialTop = model.states.find((s) => s.initial && s.parent === null);

  return (
    <figure className="studio-statechart">
      <div className="studio-zoom" role="group" aria-label={t('diagram.zoom')}>
        <button type="button" className="secondary" onClick={() => setZoom((z) => Math.max(0.4, +(z - 0.2).toFixed(1)))} aria-label={t('diagram.zoomOut')}>−</button>
        <span aria-live="polite">{Math.round(zoom * 100)} %</span>
        <button type="button" className="secondary" onClick={() => setZoom((z) => Math.min(2.4, +(z + 0.2).toFixed(1)))} aria-label={t('diagram.zoomIn')}>+</button>
        <button type="button" className="secondary" onClick={() => setZoom(1)}>{t('diagram.zoomReset')}</button>
        {laid && laid.key !== layoutKey && <span className="studio-muted">{t('diagram.updating')}</span>}
      </div>
      <div className="studio-statechart-canvas" data-testid="statechart" data-process={processId}>
        {failed && <p className="error">{t('diagram.layoutFailed')}</p>}
        {!laid && !failed && <p role="status">{t('diagram.layingOut')}</p>}
        {laid && (
          <svg role="img" aria-label={aria} width={width * zoom} height={height * zoom} viewBox={`0 0 ${width} ${height}`} xmlns="http://www.w3.org/2000/svg">
            <title>{aria}</title>
            <defs>
              <marker id="sc-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse">
                <path d="M0,0 L10,5 L0,10 z" className="sc-arrowhead" />
              </marker>
            </defs>
            {containers.map(renderState)}
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
            {leaves.map(renderState)}
            {elkEdges.map((e) =>
              (e.labels ?? []).map((l) => (
                <g key={`${e.id}-label`} className="sc-edge-label" aria-hidden="true">
                  <rect x={l.x ?? 0} y={l.y ?? 0} width={l.width ?? 0} height={l.height ?? 0} rx={3} />
                  <text x={(l.x ?? 0) + 4} y={(l.y ?? 0) + 12}>{l.text}</text>
                </g>
              )),
            )}
          </svg>
        )}
      </div>
      <figcaption>
        <details className="studio-statechart-list">
          <summary>{t('diagram.listTitle', { states: model.states.length, transitions: model.edges.length })}</summary>
          {initialTop && <p>{t('diagram.startsIn', { state: initialTop.name })}</p>}
          <ul>
            {model.states.map((s) => {
              const out = model.edges.filter((e) => e.from === s.name);
              return (
                <li key={s.name} style={{ marginInlineStart: `${s.depth * 1.25}rem` }}>
                  <button type="button" className="link-button" onClick={() => onOpenState(s.pointer)} aria-label={t('diagram.openState', { state: s.name })}>
                    {s.name}
                  </button>{' '}
                  <span>({describe(s)}{active.has(s.name) ? `, ${t('diagram.activeNow')}` : ''})</span>
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
      </figcaption>
    </figure>
  );
}

