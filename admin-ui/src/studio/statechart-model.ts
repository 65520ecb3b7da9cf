/**
 * The statechart of a process as boxes and arrows: states (nested, parallel regions, final),
 * transitions with their labels ("event [guard]", "after P15D", "approve"), and the ELK graph
 * to lay them out. Reads the definition defensively: it may come from YAML with errors.
 */
import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk.bundled.js';
import { isObject } from './pack-index';

export type StateKind = 'atomic' | 'compound' | 'parallel' | 'final';

export interface ChartState {
  name: string;
  parent: string | null;
  kind: StateKind;
  /** A direct child of a parallel state: one region, drawn dashed. */
  region: boolean;
  /** The initial state of the process or of its parent. */
  initial: boolean;
  status: string | null;
  /** JSON pointer of the state in its file, to open it in the editor. */
  pointer: string;
  depth: number;
}

export interface ChartEdge {
  id: string;
  from: string;
  to: string;
  /** The engine's event type: an event name, `timer:<state>:<i>`, approve/reject/recall, or '' for initial arrows. */
  event: string;
  kind: 'event' | 'timer' | 'approval' | 'initial';
  label: string;
  guard: string | null;
}

export interface ChartModel {
  process: string;
  states: ChartState[];
  edges: ChartEdge[];
}

const escapePointer = (s: string): string => s.replace(/~/g, '~0').replace(/\//g, '~1');

export function buildChartModel(def: Record<string, unknown>): ChartModel {
  const states: ChartState[] = [];
  const byName = new Map<string, ChartState>();
  const raw = new Map<string, Record<string, unknown>>();

  const walk = (map: unknown, parent: ChartState | null, parentInitial: unknown, pointer: string, depth: number): void => {
    if (!isObject(map)) return;
    for (const [name, value] of Object.entries(map)) {
      if (byName.has(name)) continue; // duplicate names are reported by the checks
      const s = isObject(value) ? value : {};
      const children = isObject(s['states']) && Object.keys(s['states']).length > 0;
      const kind: StateKind = s['type'] === 'final' ? 'final' : s['type'] === 'parallel' ? 'parallel' : children ? 'compound' : 'atomic';
      const state: ChartState = {
        name,
        parent: parent?.name ?? null,
        kind,
        region: parent?.kind === 'parallel',
        initial: parent?.kind !== 'parallel' && parentInitial === name,
        status: typeof s['status'] === 'string' ? s['status'] : null,
        pointer: `${pointer}/${escapePointer(name)}`,
        depth,
      };
      states.push(state);
      byName.set(name, state);
      raw.set(name, s);
      if (children) walk(s['states'], state, s['initial'], `${state.pointer}/states`, depth + 1);
    }
  };
  walk(def['states'], null, def['initial'], '/states', 0);

  const edges: ChartEdge[] = [];
  let n = 0;
  const add = (from: string, to: unknown, event: string, kind: ChartEdge['kind'], label: string, guard: unknown): void => {
    // A transition without a target runs its actions in place: drawn as a loop.
    const target = typeof to === 'string' ? to : to === undefined || to === null ? from : null;
    if (target === null || !byName.has(target)) return;
    const g = typeof guard === 'string' && guard.trim() !== '' ? guard.trim() : null;
    edges.push({ id: `e${n++}`, from, to: target, event, kind, label: g ? `${label} [${g}]` : label, guard: g });
  };

  for (const state of states) {
    const s = raw.get(state.name) ?? {};
    if (isObject(s['on'])) {
      for (const [ev, spec] of Object.entries(s['on'])) {
        const list: unknown[] = typeof spec === 'string' ? [{ to: spec }] : Array.isArray(spec) ? spec : [spec];
        for (const t of list) {
          if (typeof t === 'string') add(state.name, t, ev, 'event', ev, null);
          else if (isObject(t)) add(state.name, t['to'], ev, 'event', ev, t['if']);
        }
      }
    }
    if (Array.isArray(s['after'])) {
      s['after'].forEach((t: unknown, i: number) => {
        if (!isObject(t)) return;
        const when = typeof t['delay'] === 'string' ? `after ${t['delay']}${typeof t['calendar'] === 'string' ? ` (${t['calendar']})` : ''}` : typeof t['at'] === 'string' ? `at ${t['at']}` : 'after';
        add(state.name, t['to'], `timer:${state.name}:${i}`, 'timer', when, t['if']);
      });
    }
    const approval = s['approval'];
    if (isObject(approval)) {
      add(state.name, approval['approved'], 'approve', 'approval', 'approve', null);
      add(state.name, approval['rejected'], 'reject', 'approval', 'reject', null);
      if (typeof approval['recalled'] === 'string') add(state.name, approval['recalled'], 'recall', 'approval', 'recall', null);
    }
  }
  return { process: typeof def['process'] === 'string' ? def['process'] : '', states, edges };
}

export interface Measure {
  (text: string, font: 'name' | 'sub' | 'edge'): number;
}

export const NODE = { padX: 12, nameH: 18, subH: 16, padY: 8, headerPad: 10, marker: 14 };

/** Short enough for an edge label; the full text stays in the list and the tooltip. */
export function shortLabel(label: string, max = 42): string {
  return label.length > max ? `${label.slice(0, max - 1)}…` : label;
}

export function nodeId(name: string): string {
  return `s:${name}`;
}

export function markerId(parent: string | null): string {
  return `i:${parent ?? ''}`;
}

/** The ELK graph: compound states hold their children, edges are all at the root (coordinates absolute). */
export function toElkGraph(model: ChartModel, measure: Measure, sub: (s: ChartState) => string): ElkNode {
  const nodes = new Map<string, ElkNode>();
  const root: ElkNode = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
      'elk.edgeRouting': 'ORTHOGONAL',
      'elk.layered.spacing.nodeNodeBetweenLayers': '34',
      'elk.spacing.nodeNode': '26',
      'elk.spacing.edgeLabel': '3',
      'elk.spacing.edgeNode': '14',
      'elk.layered.spacing.edgeNodeBetweenLayers': '14',
      'elk.edgeLabels.placement': 'CENTER',
      'elk.json.edgeCoords': 'ROOT',
      'elk.json.shapeCoords': 'ROOT',
      'elk.padding': '[top=12,left=12,bottom=12,right=12]',
    },
    children: [],
    edges: [],
  };
  const containerOf = (parent: string | null): ElkNode => (parent ? (nodes.get(nodeId(parent)) ?? root) : root);
  for (const s of model.states) {
    const subText = sub(s);
    const textW = Math.max(measure(s.name, 'name'), subText ? measure(subText, 'sub') : 0);
    const node: ElkNode = { id: nodeId(s.name) };
    if (s.kind === 'compound' || s.kind === 'parallel') {
      const header = NODE.nameH + (subText ? NODE.subH : 0) + NODE.headerPad;
      node.children = [];
      node.layoutOptions = {
        'elk.padding': `[top=${header + 8},left=14,bottom=14,right=14]`,
        'elk.nodeSize.constraints': 'MINIMUM_SIZE',
        'elk.nodeSize.minimum': `(${Math.ceil(textW + NODE.padX * 2 + 8)},${header + 30})`,
      };
    } else {
      node.width = Math.ceil(textW + NODE.padX * 2 + (s.kind === 'final' ? 8 : 0));
      node.height = NODE.padY * 2 + NODE.nameH + (subText ? NODE.subH : 0) + (s.kind === 'final' ? 6 : 0);
    }
    nodes.set(node.id, node);
    containerOf(s.parent).children?.push(node);
  }
  // Initial markers: at the top level and in each compound (not in a parallel state).
  const edges: ElkExtendedEdge[] = [];
  for (const s of model.states) {
    if (!s.initial) continue;
    const marker: ElkNode = { id: markerId(s.parent), width: NODE.marker, height: NODE.marker };
    containerOf(s.parent).children?.push(marker);
    edges.push({ id: `init:${s.name}`, sources: [marker.id], targets: [nodeId(s.name)] });
  }
  for (const e of model.edges) {
    const text = shortLabel(e.label);
    edges.push({ id: e.id, sources: [nodeId(e.from)], targets: [nodeId(e.to)], labels: [{ id: `${e.id}:l`, text, width: Math.ceil(measure(text, 'edge') + 8), height: 16 }] });
  }
  root.edges = edges;
  return root;
}
