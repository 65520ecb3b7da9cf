/**
 * The definition studio for delegated admins: the pack's files in a tree, a YAML editor with the
 * engine's checks inline, the statechart of each process, a sandbox simulator, and the
 * draft → review → publish cycle with version history, rollback, export and import.
 * Everything but saving and publishing runs in the browser with engine/.
 */
import { useCallback, useEffect, useId, useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Pack } from '../../../engine/pack';
import { parseYamlSource } from '../../../engine/pack/yaml-source';
import { ApiError } from '../api/client';
import type { Lang, PackVersionSummary, Problem } from '../api/types';
import { navigate } from '../app/router';
import { useSession } from '../app/session';
import { useLocalized } from '../i18n';
import { analyse, analyseOnServer, errorCount, type Analysis } from './analysis';
import { DiffView } from './DiffView';
import { FileTree } from './FileTree';
import { History } from './History';
import { Modal } from './Modal';
import { checkNewPath, skeleton } from './new-file';
import { emptyIndex, indexFromFiles, indexFromPack, processOfFile, type PackIndex } from './pack-index';
import { problemSummary, ProblemsPanel } from './ProblemsPanel';
import { Simulator } from './Simulator';
import { Statechart } from './Statechart';
import { getVersion, isYamlPath, listVersions, publishVersion, sameFiles, saveDraft, versionToEdit, type PackFiles } from './studio-api';
import { YamlEditor, type YamlEditorHandle } from './YamlEditor';
import { downloadBlob, packZip, readPackZip, ZipImportError } from './zip';

type Tab = 'diagram' | 'simulator' | 'history';

interface Base {
  version: number;
  status: PackVersionSummary['status'];
  files: PackFiles;
}

interface Working {
  packId: string;
  base: Base | null;
  published: Base | null;
  files: PackFiles;
}

/**
 * The working copy outlives the page: leaving the studio for a list and coming back, or
 * reloading the tab, keeps the edits (until they are saved, published or discarded).
 */
let kept: Working | null = null;
const STORAGE_KEY = 'civic-flow.studio.working-copy';

function readKept(packId: string): Working | null {
  if (kept && kept.packId === packId) return kept;
  try {
    const raw = sessionStorage.getItem(STORAGE_KEY);
    if (!raw) return null;
    const w = JSON.parse(raw) as Working;
    const isFiles = (f: unknown): f is PackFiles => typeof f === 'object' && f !== null && Object.values(f).every((x) => typeof x === 'string');
    if (w.packId !== packId || !isFiles(w.files) || (w.base !== null && !isFiles(w.base.files))) return null;
    return w;
  } catch {
    return null;
  }
}

function keep(w: Working): void {
  kept = w;
  try {
    // Only a changed working copy is worth keeping across reloads.
    if (w.base && sameFiles(w.base.files, w.files)) sessionStorage.removeItem(STORAGE_KEY);
    else sessionStorage.setItem(STORAGE_KEY, JSON.stringify(w));
  } catch {
    // Storage full or disabled: the copy lives as long as the page.
  }
}

interface ConfirmSpec {
  title: string;
  body: ReactNode;
  confirmLabel: string;
  onConfirm: () => void | Promise<void>;
}

interface Review {
  title: string;
  files: PackFiles;
  rollbackOf: number | null;
}

function treeOrder(paths: string[]): string[] {
  // Files inside folders first (as the tree shows them), then the root files.
  const inFolders = paths.filter((p) => p.includes('/')).sort();
  const root = paths.filter((p) => !p.includes('/')).sort();
  return [...inFolders, ...root];
}

function problemsFromError(e: unknown): Problem[] | null {
  if (!(e instanceof ApiError)) return null;
  const list = e.details['problems'];
  if (!Array.isArray(list)) return null;
  return list.filter((p): p is Problem => typeof p === 'object' && p !== null && typeof (p as Problem).file === 'string');
}

export function StudioPage(props: { file?: string | undefined }) {
  const { t, i18n } = useTranslation('studio');
  const L = useLocalized();
  const session = useSession();
  const lang: Lang = i18n.language === 'nl' || i18n.language === 'en' ? i18n.language : 'fr';
  const uid = useId();

  const [packId, setPackId] = useState<string>('');
  const [versions, setVersions] = useState<PackVersionSummary[]>([]);
  const [base, setBase] = useState<Base | null>(null);
  const [published, setPublished] = useState<Base | null>(null);
  const [files, setFiles] = useState<PackFiles>({});
  const filesRef = useRef<PackFiles>({});
  const [generation, setGeneration] = useState(0);
  const [loaded, setLoaded] = useState(false);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [reloadKey, setReloadKey] = useState(0);
  const [analysis, setAnalysis] = useState<Analysis | null>(null);
  const validPack = useRef<Pack | null>(null);
  const [busy, setBusy] = useState(false);
  const [announcement, setAnnouncement] = useState('');
  const [actionError, setActionError] = useState<string | null>(null);
  const [tab, setTab] = useState<Tab>('diagram');
  const [goto, setGoto] = useState<{ file: string; line: number; col: number } | null>(null);
  const [confirm, setConfirm] = useState<ConfirmSpec | null>(null);
  const [review, setReview] = useState<Review | null>(null);
  const [reviewProblems, setReviewProblems] = useState<Problem[] | null>(null);
  const [creating, setCreating] = useState(false);
  const [diagramChoice, setDiagramChoice] = useState<string | null>(null);
  const [simActive, setSimActive] = useState<{ process: string | null; states: string[] }>({ process: null, states: [] });
  const editor = useRef<YamlEditorHandle | null>(null);
  const importInput = useRef<HTMLInputElement | null>(null);
  const toolbar = useRef<HTMLDivElement | null>(null);

  const announce = useCallback((text: string) => {
    // Cleared first so that the same words are announced again.
    setAnnouncement('');
    setTimeout(() => setAnnouncement(text), 60);
  }, []);

  const acceptAnalysis = useCallback((a: Analysis) => {
    if (a.files !== filesRef.current && !sameFiles(a.files, filesRef.current)) return; // stale
    if (a.pack) validPack.current = a.pack;
    setAnalysis(a);
  }, []);

  const recheck = useCallback(
    (next: PackFiles) => {
      const r = analyse(next);
      if (r instanceof Promise) void r.then(acceptAnalysis).catch(() => undefined);
      else acceptAnalysis(r);
    },
    [acceptAnalysis],
  );

  /** Replaces every file (a version loaded, an import): the editor drops its per-file states. */
  const replaceFiles = useCallback(
    (next: PackFiles) => {
      filesRef.current = next;
      setFiles(next);
      setGeneration((g) => g + 1);
      recheck(next);
    },
    [recheck],
  );

  // --- loading ---
  useEffect(() => {
    let cancelled = false;
    setLoadError(null);
    void (async () => {
      try {
        const list = await listVersions();
        if (cancelled) return;
        setPackId(list.packId);
        setVersions(list.versions);
        const previous = readKept(list.packId);
        const pubSummary = list.versions.find((v) => v.status === 'published');
        if (previous) {
          // The published version may have changed meanwhile: the diff is against the current one.
          const pub = pubSummary && pubSummary.version !== previous.published?.version ? await getVersion(pubSummary.version) : null;
          if (cancelled) return;
          setBase(previous.base);
          setPublished(pub ? { version: pub.version, status: pub.status, files: pub.files } : previous.published);
          replaceFiles(previous.files);
          setLoaded(true);
          return;
        }
        const target = versionToEdit(list.versions);
        if (!target) {
          replaceFiles({});
          setLoaded(true);
          return;
        }
        const row = await getVersion(target.version);
        const pub = pubSummary ? (pubSummary.version === row.version ? row : await getVersion(pubSummary.version)) : null;
        if (cancelled) return;
        setBase({ version: row.version, status: row.status, files: row.files });
        setPublished(pub ? { version: pub.version, status: pub.status, files: pub.files } : null);
        replaceFiles({ ...row.files });
        setLoaded(true);
      } catch (e) {
        if (!cancelled) setLoadError(e instanceof Error ? e.message : String(e));
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [reloadKey, replaceFiles]);

  useEffect(() => {
    if (loaded && packId) keep({ packId, base, published, files });
  }, [loaded, packId, base, published, files]);

  const refreshVersions = useCallback(async () => {
    const list = await listVersions();
    setVersions(list.versions);
    return list.versions;
  }, []);

  // --- derived ---
  const paths = useMemo(() => Object.keys(files).filter(isYamlPath), [files]);
  const ordered = useMemo(() => treeOrder(paths), [paths]);
  const openFile = props.file && props.file in files ? props.file : (ordered[0] ?? null);
  const missingFile = loaded && props.file !== undefined && !(props.file in files) ? props.file : null;
  const problems = analysis?.problems ?? [];
  const counts = useMemo(() => {
    const out: Record<string, { errors: number; warnings: number }> = {};
    for (const p of problems) {
      const c = (out[p.file] ??= { errors: 0, warnings: 0 });
      if (p.severity === 'error') c.errors++;
      else c.warnings++;
    }
    return out;
  }, [problems]);
  const baseFiles = base?.files;
  const dirtySet = useMemo(() => new Set(paths.filter((p) => baseFiles?.[p] !== files[p])), [paths, files, baseFiles]);
  const removed = useMemo(() => Object.keys(baseFiles ?? {}).filter((p) => !(p in files)), [baseFiles, files]);
  const dirty = dirtySet.size > 0 || removed.length > 0;
  // The names for completion and the diagram: rebuilt when the browser is idle, not while rendering
  // (re-reading a 2,000-line file that does not load takes tens of milliseconds).
  const [index, setIndex] = useState<PackIndex>(emptyIndex);
  const [indexReady, setIndexReady] = useState(false);
  const indexRef = useRef(index);
  useEffect(() => {
    const build = () => {
      const next = analysis?.pack && analysis.files === files ? indexFromPack(analysis.pack, files) : indexFromFiles(files);
      indexRef.current = next;
      setIndex(next);
      setIndexReady(true);
    };
    if (typeof requestIdleCallback !== 'function') {
      const timer = setTimeout(build, 0);
      return () => clearTimeout(timer);
    }
    const handle = requestIdleCallback(build, { timeout: 300 });
    return () => cancelIdleCallback(handle);
  }, [analysis, files]);
  const errors = errorCount(problems);

  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);

  // Opening another file follows it in the diagram.
  useEffect(() => setDiagramChoice(null), [openFile]);

  // Go to a problem's line once its file is open.
  useEffect(() => {
    if (goto && goto.file === openFile) {
      editor.current?.goTo(goto.line, goto.col);
      setGoto(null);
    }
  }, [goto, openFile]);

  const open = (path: string) => navigate({ name: 'studio', file: path });
  const openAt = (file: string, line: number, col: number) => {
    if (file === openFile) editor.current?.goTo(line, col);
    else {
      setGoto({ file, line, col });
      open(file);
    }
  };

  /** The editor's text of the open file, merged into the files (before saving, exporting…). */
  const flush = (): PackFiles => {
    const text = editor.current?.currentText();
    if (openFile && text !== null && text !== undefined && filesRef.current[openFile] !== text) {
      const next = { ...filesRef.current, [openFile]: text };
      filesRef.current = next;
      setFiles(next);
    }
    return filesRef.current;
  };

  const onCheck = useCallback(
    (path: string, text: string): Problem[] | Promise<Problem[]> => {
      if (!(path in filesRef.current)) return [];
      if (filesRef.current[path] !== text) filesRef.current = { ...filesRef.current, [path]: text };
      const r = analyse(filesRef.current);
      // The editor shows its marks first; the rest of the page (tree, panel, diagram) follows
      // after the next paint, so typing feedback never waits for it.
      const later = (a: Analysis) =>
        requestAnimationFrame(() =>
          setTimeout(() => {
            setFiles(filesRef.current);
            acceptAnalysis(a);
          }, 0),
        );
      if (r instanceof Promise) {
        return r.then((a) => {
          later(a);
          return a.problems;
        });
      }
      later(r);
      return r.problems;
    },
    [acceptAnalysis],
  );

  const kindLabel = useCallback((k: string) => t(`completion.${k}`), [t]);
  const getIndex = useCallback(() => indexRef.current, []);

  // --- actions ---
  const withBusy = async (f: () => Promise<void>) => {
    setBusy(true);
    setActionError(null);
    try {
      await f();
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      setActionError(msg);
      announce(msg);
    } finally {
      setBusy(false);
    }
  };

  const onSaveDraft = () =>
    withBusy(async () => {
      const current = flush();
      const d = await saveDraft(current);
      setBase({ version: d.version, status: 'draft', files: current });
      await refreshVersions();
      announce(t('draft.saved', { version: d.version, summary: problemSummary(t, d.problems) }));
    });

  const onValidate = () =>
    withBusy(async () => {
      const current = flush();
      const a = await analyseOnServer(current);
      acceptAnalysis(a);
      announce(t('validate.result', { summary: problemSummary(t, a.problems) }));
    });

  const onPublish = () => {
    const current = flush();
    setReviewProblems(null);
    setReview({ title: t('publish.title'), files: { ...current }, rollbackOf: null });
  };

  const doPublish = (r: Review) =>
    withBusy(async () => {
      setReviewProblems(null);
      let version: number;
      if (r.rollbackOf === null && base && base.status === 'draft' && sameFiles(base.files, r.files)) version = base.version;
      else version = (await saveDraft(r.files)).version;
      try {
        await publishVersion(version);
      } catch (e) {
        const list = problemsFromError(e);
        await refreshVersions();
        if (r.rollbackOf === null) setBase({ version, status: 'draft', files: r.files });
        if (list) {
          setReviewProblems(list);
          announce(t('publish.refused', { summary: problemSummary(t, list) }));
          return;
        }
        throw e;
      }
      const pub: Base = { version, status: 'published', files: r.files };
      setPublished(pub);
      setBase(pub);
      if (r.rollbackOf !== null) replaceFiles({ ...r.files });
      await refreshVersions();
      setReview(null);
      announce(r.rollbackOf !== null ? t('rollback.done', { from: r.rollbackOf, version }) : t('publish.done', { version }));
      void session.reload();
    });

  const confirmDiscard = (title: string, confirmLabel: string, run: () => void | Promise<void>) => {
    if (!dirty) {
      void run();
      return;
    }
    setConfirm({ title, body: <p>{t('confirm.discard', { count: dirtySet.size + removed.length })}</p>, confirmLabel, onConfirm: run });
  };

  const onOpenVersion = (version: number) =>
    confirmDiscard(t('history.openTitle', { version }), t('history.open'), () =>
      withBusy(async () => {
        const row = await getVersion(version);
        setBase({ version: row.version, status: row.status, files: row.files });
        replaceFiles({ ...row.files });
        announce(t('history.opened', { version }));
      }),
    );

  const onRollback = (version: number) =>
    void withBusy(async () => {
      const row = await getVersion(version);
      setReviewProblems(null);
      setReview({ title: t('rollback.title', { version }), files: row.files, rollbackOf: version });
    });

  const onExport = () => {
    const current = flush();
    const date = new Date().toISOString().slice(0, 10);
    downloadBlob(packZip(current), `${packId || 'pack'}-${date}.zip`);
    announce(t('export.done', { count: Object.keys(current).length }));
  };

  const onImportFile = async (file: File) => {
    setActionError(null);
    try {
      const bytes = new Uint8Array(await file.arrayBuffer());
      const r = readPackZip(bytes);
      confirmDiscard(t('import.title'), t('import.replace'), () => {
        replaceFiles(r.files);
        announce(t('import.done', { count: Object.keys(r.files).length, skipped: r.skipped.length }));
        const first = treeOrder(Object.keys(r.files))[0];
        if (first) open(first);
      });
    } catch (e) {
      const msg = e instanceof ZipImportError ? t(`import.error.${e.code}`, { file: file.name }) : e instanceof Error ? e.message : String(e);
      setActionError(msg);
      announce(msg);
    }
  };

  const onDelete = (path: string) =>
    setConfirm({
      title: t('file.deleteTitle', { file: path }),
      body: <p>{t('file.deleteBody', { file: path })}</p>,
      confirmLabel: t('file.delete'),
      onConfirm: () => {
        flush();
        const next = { ...filesRef.current };
        delete next[path];
        filesRef.current = next;
        setFiles(next);
        editor.current?.forget(path);
        recheck(next);
        editor.current?.relint();
        announce(t('file.deleted', { file: path }));
        const other = treeOrder(Object.keys(next))[0];
        navigate(other ? { name: 'studio', file: other } : { name: 'studio' });
      },
    });

  const onCreate = (path: string) => {
    flush();
    const next = { ...filesRef.current, [path]: skeleton(path, indexRef.current) };
    filesRef.current = next;
    setFiles(next);
    editor.current?.forget(path);
    recheck(next);
    setCreating(false);
    announce(t('file.created', { file: path }));
    open(path);
  };

  // --- toolbar: one tab stop, arrows move between buttons ---
  useEffect(() => {
    const bar = toolbar.current;
    if (!bar) return;
    const buttons = [...bar.querySelectorAll<HTMLButtonElement>('button')];
    if (!buttons.some((b) => b.tabIndex === 0 && !b.disabled)) {
      buttons.forEach((b, i) => (b.tabIndex = i === buttons.findIndex((x) => !x.disabled) ? 0 : -1));
    }
  });
  const onToolbarKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const bar = toolbar.current;
    if (!bar || !['ArrowRight', 'ArrowLeft', 'Home', 'End'].includes(e.key)) return;
    const buttons = [...bar.querySelectorAll<HTMLButtonElement>('button')].filter((b) => !b.disabled);
    const i = buttons.indexOf(document.activeElement as HTMLButtonElement);
    const next = e.key === 'Home' ? 0 : e.key === 'End' ? buttons.length - 1 : (i + (e.key === 'ArrowRight' ? 1 : -1) + buttons.length) % buttons.length;
    const target = buttons[next];
    if (!target) return;
    e.preventDefault();
    bar.querySelectorAll<HTMLButtonElement>('button').forEach((b) => (b.tabIndex = b === target ? 0 : -1));
    target.focus();
  };

  // --- tabs ---
  const tabs: Tab[] = ['diagram', 'simulator', 'history'];
  const onTabKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const i = tabs.indexOf(tab);
    let next: Tab | undefined;
    if (e.key === 'ArrowRight') next = tabs[(i + 1) % tabs.length];
    else if (e.key === 'ArrowLeft') next = tabs[(i - 1 + tabs.length) % tabs.length];
    else if (e.key === 'Home') next = tabs[0];
    else if (e.key === 'End') next = tabs[tabs.length - 1];
    if (!next) return;
    e.preventDefault();
    setTab(next);
    document.getElementById(`${uid}-tab-${next}`)?.focus();
  };

  // --- diagram ---
  const processes = Object.values(index.processes).sort((a, b) => a.id.localeCompare(b.id));
  const openProcess = processOfFile(index, openFile);
  const diagramProcess = (diagramChoice ? index.processes[diagramChoice] : undefined) ?? openProcess ?? processes[0] ?? null;
  const openState = (pointer: string) => {
    if (!diagramProcess) return;
    const file = diagramProcess.file;
    const text = file === openFile ? (editor.current?.currentText() ?? files[file] ?? '') : (files[file] ?? '');
    const pos = parseYamlSource(file, text).locate(pointer, 'key');
    openAt(file, pos.line, pos.col);
  };
  const onSimActive = useCallback((process: string | null, states: string[]) => setSimActive({ process, states }), []);

  if (loadError) {
    return (
      <section className="studio">
        <h1>{t('title')}</h1>
        <p className="error" role="alert">{t('loadFailed', { message: loadError })}</p>
        <button type="button" onClick={() => setReloadKey((k) => k + 1)}>{t('retry')}</button>
      </section>
    );
  }
  if (!loaded) return <p role="status">{t('loading')}</p>;

  const statusText = base
    ? t('basedOn', { version: base.version, status: t(`history.statuses.${base.status}`) })
    : t('noVersion');

  return (
    <section className="studio" aria-labelledby={`${uid}-title`}>
      <header className="studio-header">
        <h1 id={`${uid}-title`}>{t('title')}</h1>
        <p className="studio-meta">
          <span data-testid="studio-version">{statusText}</span>
          {published && base && published.version !== base.version && <span> · {t('publishedIs', { version: published.version })}</span>}
          {dirty && <span className="studio-unsaved"> · {t('unsaved', { count: dirtySet.size + removed.length })}</span>}
        </p>
        <div className="studio-toolbar" role="toolbar" aria-label={t('toolbar.label')} ref={toolbar} onKeyDown={onToolbarKey}>
          <button type="button" onClick={() => void onSaveDraft()} disabled={busy}>{t('toolbar.saveDraft')}</button>
          <button type="button" onClick={() => void onValidate()} disabled={busy}>{t('toolbar.validate')}</button>
          <button type="button" onClick={onPublish} disabled={busy}>{t('toolbar.publish')}</button>
          <span className="studio-toolbar-sep" aria-hidden="true" />
          <button type="button" className="secondary" onClick={() => setCreating(true)} disabled={busy}>{t('toolbar.newFile')}</button>
          <button type="button" className="secondary" onClick={() => openFile && onDelete(openFile)} disabled={busy || !openFile}>{t('toolbar.deleteFile')}</button>
          <span className="studio-toolbar-sep" aria-hidden="true" />
          <button type="button" className="secondary" onClick={onExport} disabled={busy}>{t('toolbar.export')}</button>
          <button type="button" className="secondary" onClick={() => importInput.current?.click()} disabled={busy}>{t('toolbar.import')}</button>
        </div>
        <input
          ref={importInput}
          type="file"
          accept=".zip,application/zip"
          hidden
          aria-hidden="true"
          tabIndex={-1}
          data-testid="import-input"
          onChange={(e) => {
            const f = e.target.files?.[0];
            e.target.value = '';
            if (f) void onImportFile(f);
          }}
        />
        <div className="studio-live" role="status" aria-live="polite" data-testid="studio-status">{announcement}</div>
        {actionError && <p className="error" role="alert">{actionError}</p>}
        {missingFile && <p className="studio-notice">{t('fileMissing', { file: missingFile })}</p>}
      </header>

      <div className="studio-layout">
        <nav className="studio-files" aria-label={t('tree.label')}>
          <h2 className="studio-h2">{t('tree.title')}</h2>
          <FileTree paths={paths} selected={openFile} counts={counts} dirty={dirtySet} onOpen={open} label={t('tree.label')} />
          {removed.length > 0 && (
            <p className="studio-muted">{t('tree.removed', { files: removed.join(', ') })}</p>
          )}
        </nav>

        <div className="studio-main">
          <div className="studio-editor-head">
            <h2 className="studio-h2">{openFile ? <code>{openFile}</code> : t('editor.noFile')}</h2>
            <span className="studio-count" aria-live="polite" data-testid="problem-count">
              {problemSummary(t, problems)}
              {analysis && analysis.where === 'server' ? ` ${t('editor.checkedOnServer')}` : ''}
            </span>
          </div>
          <YamlEditor
            ref={editor}
            path={openFile}
            files={files}
            generation={generation}
            lang={lang}
            ariaLabel={openFile ? t('editor.label', { file: openFile }) : t('editor.noFile')}
            onCheck={onCheck}
            index={getIndex}
            kindLabel={kindLabel}
          />
          <p className="studio-muted studio-hint">{t('editor.hint')}</p>
          <ProblemsPanel problems={problems} openFile={openFile} lang={lang} onOpen={openAt} title={t('problems.title')} />
        </div>

        <div className="studio-side">
          <div role="tablist" aria-label={t('tabs.label')} className="studio-tabs" onKeyDown={onTabKey}>
            {tabs.map((x) => (
              <button
                key={x}
                id={`${uid}-tab-${x}`}
                type="button"
                role="tab"
                aria-selected={tab === x}
                aria-controls={`${uid}-panel-${x}`}
                tabIndex={tab === x ? 0 : -1}
                onClick={() => setTab(x)}
              >
                {t(`tabs.${x}`)}
              </button>
            ))}
          </div>
          <div role="tabpanel" id={`${uid}-panel-diagram`} aria-labelledby={`${uid}-tab-diagram`} hidden={tab !== 'diagram'} className="studio-panel">
            {!indexReady ? (
              <p role="status">{t('diagram.layingOut')}</p>
            ) : processes.length === 0 ? (
              <p>{t('diagram.noProcess')}</p>
            ) : (
              <>
                <label htmlFor={`${uid}-diagram-process`}>{t('diagram.process')}</label>
                <select id={`${uid}-diagram-process`} value={diagramProcess?.id ?? ''} onChange={(e) => setDiagramChoice(e.target.value)}>
                  {processes.map((p) => (
                    <option key={p.id} value={p.id}>{`${p.label ? L(p.label) : p.id} (${p.file})`}</option>
                  ))}
                </select>
                {tab === 'diagram' && diagramProcess && (
                  <Statechart
                    processId={diagramProcess.id}
                    def={diagramProcess.def}
                    statuses={diagramProcess.statuses}
                    activeStates={simActive.process === diagramProcess.id ? simActive.states : []}
                    onOpenState={openState}
                  />
                )}
              </>
            )}
          </div>
          <div role="tabpanel" id={`${uid}-panel-simulator`} aria-labelledby={`${uid}-tab-simulator`} hidden={tab !== 'simulator'} className="studio-panel">
            {errors > 0 && validPack.current && <p className="studio-notice">{t('sim.usingLastValid')}</p>}
            <Simulator pack={validPack.current} preferredProcess={openProcess?.id ?? null} onActiveStates={onSimActive} />
          </div>
          <div role="tabpanel" id={`${uid}-panel-history`} aria-labelledby={`${uid}-tab-history`} hidden={tab !== 'history'} className="studio-panel">
            <History versions={versions} editing={base?.version ?? null} busy={busy} onOpen={onOpenVersion} onRollback={onRollback} users={session.users} />
          </div>
        </div>
      </div>

      {review && (
        <Modal
          title={review.title}
          wide
          testId="publish-dialog"
          onClose={() => !busy && setReview(null)}
          actions={
            <>
              <button type="button" onClick={() => void doPublish(review)} disabled={busy}>
                {review.rollbackOf !== null ? t('rollback.confirm', { version: review.rollbackOf }) : t('publish.confirm')}
              </button>
              <button type="button" className="secondary" onClick={() => setReview(null)} disabled={busy}>{t('cancel')}</button>
            </>
          }
        >
          <p>{published ? t('publish.against', { version: published.version }) : t('publish.firstVersion')}</p>
          {review.rollbackOf === null && errors > 0 && <p className="error">{t('publish.localErrors', { summary: problemSummary(t, problems) })}</p>}
          {actionError && <p className="error" role="alert">{actionError}</p>}
          {reviewProblems && (
            <div role="alert" className="studio-publish-errors">
              <ProblemsPanel
                problems={reviewProblems}
                openFile={null}
                lang={lang}
                testId="publish-problems"
                title={t('publish.refusedTitle')}
                onOpen={(f, l, c) => {
                  setReview(null);
                  openAt(f, l, c);
                }}
              />
            </div>
          )}
          <DiffView before={published?.files ?? {}} after={review.files} />
        </Modal>
      )}

      {confirm && (
        <Modal
          title={confirm.title}
          onClose={() => setConfirm(null)}
          testId="confirm-dialog"
          actions={
            <>
              <button
                type="button"
                onClick={() => {
                  const c = confirm;
                  setConfirm(null);
                  void c.onConfirm();
                }}
              >
                {confirm.confirmLabel}
              </button>
              <button type="button" className="secondary" onClick={() => setConfirm(null)}>{t('cancel')}</button>
            </>
          }
        >
          {confirm.body}
        </Modal>
      )}

      {creating && <NewFileDialog existing={paths} onCreate={onCreate} onClose={() => setCreating(false)} />}
    </section>
  );
}

function NewFileDialog({ existing, onCreate, onClose }: { existing: string[]; onCreate: (path: string) => void; onClose: () => void }) {
  const { t } = useTranslation('studio');
  const uid = useId();
  const folders = useMemo(() => {
    const set = new Set(['records', 'processes', 'templates']);
    for (const p of existing) if (p.includes('/')) set.add(p.slice(0, p.lastIndexOf('/')));
    return [...set].sort();
  }, [existing]);
  const [folder, setFolder] = useState('processes');
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const fileName = name.trim() && !/\.ya?ml$/i.test(name.trim()) ? `${name.trim()}.yaml` : name.trim();
  const path = folder ? `${folder}/${fileName}` : fileName;
  const submit = () => {
    const problem = checkNewPath(fileName ? path : '', existing);
    if (problem) setError(t(`file.error.${problem}`, { file: path }));
    else onCreate(path);
  };
  return (
    <Modal
      title={t('file.newTitle')}
      onClose={onClose}
      testId="new-file-dialog"
      actions={
        <>
          <button type="button" onClick={submit}>{t('file.create')}</button>
          <button type="button" className="secondary" onClick={onClose}>{t('cancel')}</button>
        </>
      }
    >
      <form
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <label htmlFor={`${uid}-folder`}>{t('file.folder')}</label>
        <select id={`${uid}-folder`} value={folder} onChange={(e) => setFolder(e.target.value)}>
          {folders.map((f) => (
            <option key={f} value={f}>{`${f}/`}</option>
          ))}
          <option value="">{t('file.rootFolder')}</option>
        </select>
        <label htmlFor={`${uid}-name`}>{t('file.name')}</label>
        <input id={`${uid}-name`} value={name} onChange={(e) => { setName(e.target.value); setError(null); }} aria-describedby={`${uid}-help`} aria-invalid={error ? true : undefined} data-autofocus />
        <p id={`${uid}-help`} className="studio-muted">{t('file.nameHelp', { path: path || '…' })}</p>
        {error && <p className="error" role="alert">{error}</p>}
      </form>
    </Modal>
  );
}
