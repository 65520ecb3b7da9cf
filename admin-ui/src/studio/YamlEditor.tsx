/**
 * The YAML editor: CodeMirror 6 with the engine's problems shown at their line as you type
 * (a linter that checks the whole pack with the open file's current text, 150 ms after the
 * last keystroke) and completion of the pack's names. One view; each file keeps its own
 * editor state (undo history, cursor) while the studio is open.
 */
import { forwardRef, useEffect, useImperativeHandle, useRef } from 'react';
import { basicSetup } from 'codemirror';
import { yaml, yamlLanguage } from '@codemirror/lang-yaml';
import { linter, lintGutter, type Diagnostic } from '@codemirror/lint';
import { Compartment, EditorState, StateEffect, type Extension, type Text } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import type { Lang, Problem } from '../api/types';
import { completionSource } from './completion';
import type { PackIndex } from './pack-index';
import { problemMessage } from './studio-api';

export interface YamlEditorHandle {
  /** The open file's current text (the linter may not have run yet). */
  currentText(): string | null;
  goTo(line: number, col: number): void;
  focus(): void;
  /** Checks again (another file changed). */
  relint(): void;
  /** Drops the kept state of a file (deleted, or created anew). */
  forget(path: string): void;
}

export interface YamlEditorProps {
  path: string | null;
  /** Texts of all files; read when a file is opened for the first time, or after `generation` changes. */
  files: Record<string, string>;
  /** Bumped when files are replaced from outside (a version loaded, an import): editor states are dropped. */
  generation: number;
  lang: Lang;
  ariaLabel: string;
  /** Runs the checks with this file's text; returns the problems of every file. */
  onCheck: (path: string, text: string) => Problem[] | Promise<Problem[]>;
  index: () => PackIndex;
  kindLabel: (kind: string) => string;
}

/** A problem's range: from its column to the end of the word or value there. */
export function problemRange(doc: Text, p: { line: number; col: number }): { from: number; to: number } {
  const line = doc.line(Math.min(Math.max(1, p.line), doc.lines));
  const from = line.from + Math.min(Math.max(0, p.col - 1), line.length);
  const rest = line.text.slice(from - line.from);
  let len = 0;
  if (rest.startsWith('"') || rest.startsWith("'")) {
    const end = rest.indexOf(rest[0] as string, 1);
    len = end > 0 ? end + 1 : rest.length;
  } else {
    const m = /^[^:,{}[\]#]*?(?=\s*(?:[:,{}[\]#]|$))/.exec(rest);
    len = m?.[0].length ?? 0;
  }
  if (len === 0) {
    const start = line.from + (/^\s*/.exec(line.text)?.[0].length ?? 0);
    return { from: start, to: Math.max(start, line.to) };
  }
  return { from, to: from + len };
}

/** Asks the linter to run again although the text did not change (language changed, another file changed). */
const relint = StateEffect.define<null>();

export const YamlEditor = forwardRef<YamlEditorHandle, YamlEditorProps>(function YamlEditor(props, ref) {
  const host = useRef<HTMLDivElement | null>(null);
  const view = useRef<EditorView | null>(null);
  const states = useRef(new Map<string, EditorState>());
  const openPath = useRef<string | null>(null);
  const latest = useRef(props);
  latest.current = props;
  const ariaCompartment = useRef(new Compartment());
  const extensions = useRef<Extension[] | null>(null);
  const generation = useRef(props.generation);

  if (!extensions.current) {
    const lint = linter(
      async (v: EditorView): Promise<Diagnostic[]> => {
        const path = openPath.current;
        if (!path) return [];
        const started = performance.now();
        const problems = await latest.current.onCheck(path, v.state.doc.toString());
        const lang = latest.current.lang;
        const doc = v.state.doc;
        const out: Diagnostic[] = problems
          .filter((p) => p.file === path)
          .map((p) => {
            const { from, to } = problemRange(doc, p);
            return { from, to, severity: p.severity === 'warning' ? 'warning' : 'error', message: problemMessage(p, lang), source: p.code };
          });
        host.current?.setAttribute('data-lint-ms', (performance.now() - started).toFixed(1));
        return out;
      },
      { delay: 150, needsRefresh: (u) => u.transactions.some((tr) => tr.effects.some((e) => e.is(relint))) },
    );
    extensions.current = [
      basicSetup,
      yaml(),
      yamlLanguage.data.of({
        autocomplete: completionSource({
          index: () => latest.current.index(),
          file: () => openPath.current,
          lang: () => latest.current.lang,
          kindLabel: (k) => latest.current.kindLabel(k),
        }),
      }),
      lintGutter(),
      lint,
      EditorState.tabSize.of(2),
      EditorView.lineWrapping,
      ariaCompartment.current.of(EditorView.contentAttributes.of({ 'aria-label': props.ariaLabel, tabindex: '0' })),
    ];
  }

  const stateFor = (path: string): EditorState => {
    const existing = states.current.get(path);
    if (existing) return existing;
    const created = EditorState.create({ doc: latest.current.files[path] ?? '', extensions: extensions.current ?? [] });
    states.current.set(path, created);
    return created;
  };

  // The view lives as long as the component.
  useEffect(() => {
    if (!host.current) return;
    const v = new EditorView({ parent: host.current, state: EditorState.create({ doc: '', extensions: extensions.current ?? [] }) });
    view.current = v;
    return () => {
      v.destroy();
      view.current = null;
      openPath.current = null;
    };
  }, []);

  // Open another file, or reload every file after an outside change.
  useEffect(() => {
    const v = view.current;
    if (!v) return;
    if (generation.current !== props.generation) {
      generation.current = props.generation;
      states.current.clear();
      openPath.current = null;
    }
    if (openPath.current === props.path) return;
    if (openPath.current) states.current.set(openPath.current, v.state);
    openPath.current = props.path;
    v.setState(props.path ? stateFor(props.path) : EditorState.create({ doc: '', extensions: extensions.current ?? [] }));
    v.dispatch({ effects: ariaCompartment.current.reconfigure(EditorView.contentAttributes.of({ 'aria-label': latest.current.ariaLabel, tabindex: '0' })) });
  }, [props.path, props.generation]);

  // Messages in the new language, and the new accessible name.
  useEffect(() => {
    const v = view.current;
    if (!v) return;
    v.dispatch({ effects: [ariaCompartment.current.reconfigure(EditorView.contentAttributes.of({ 'aria-label': props.ariaLabel, tabindex: '0' })), relint.of(null)] });
  }, [props.lang, props.ariaLabel]);

  useImperativeHandle(ref, () => ({
    currentText: () => (view.current && openPath.current ? view.current.state.doc.toString() : null),
    goTo: (line, col) => {
      const v = view.current;
      if (!v) return;
      const doc = v.state.doc;
      const l = doc.line(Math.min(Math.max(1, line), doc.lines));
      const pos = l.from + Math.min(Math.max(0, col - 1), l.length);
      v.dispatch({ selection: { anchor: pos }, effects: EditorView.scrollIntoView(pos, { y: 'center' }) });
      v.focus();
    },
    focus: () => view.current?.focus(),
    relint: () => view.current?.dispatch({ effects: relint.of(null) }),
    forget: (path) => {
      states.current.delete(path);
    },
  }));

  return <div ref={host} className="studio-editor" data-testid="yaml-editor" data-path={props.path ?? undefined} />;
});
