/**
 * The pack's files as a tree (folders records/, processes/, templates/…), following the WAI-ARIA
 * tree pattern: one tab stop, arrows to move, Right/Left to open and close folders, Enter to
 * open a file, Home/End.
 */
import { useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';

export interface TreeProps {
  paths: string[];
  selected: string | null;
  /** Error and warning counts per file. */
  counts: Record<string, { errors: number; warnings: number }>;
  dirty: Set<string>;
  onOpen: (path: string) => void;
  label: string;
}

interface Item {
  id: string;
  name: string;
  level: number;
  folder: boolean;
  parent: string | null;
  path: string;
}

interface Folder {
  name: string;
  path: string;
  folders: Map<string, Folder>;
  files: string[];
}

function buildTree(paths: string[]): Folder {
  const root: Folder = { name: '', path: '', folders: new Map(), files: [] };
  for (const p of [...paths].sort()) {
    const parts = p.split('/');
    let cur = root;
    for (const part of parts.slice(0, -1)) {
      const path = cur.path ? `${cur.path}/${part}` : part;
      let next = cur.folders.get(part);
      if (!next) {
        next = { name: part, path, folders: new Map(), files: [] };
        cur.folders.set(part, next);
      }
      cur = next;
    }
    cur.files.push(p);
  }
  return root;
}

export function FileTree({ paths, selected, counts, dirty, onOpen, label }: TreeProps) {
  const { t } = useTranslation('studio');
  const [collapsed, setCollapsed] = useState<Set<string>>(new Set());
  const [focusId, setFocusId] = useState<string | null>(null);
  const refs = useRef(new Map<string, HTMLLIElement>());
  const tree = useMemo(() => buildTree(paths), [paths]);

  // Visible items in order, folders first then files, as drawn.
  const visible: Item[] = [];
  const walk = (f: Folder, level: number, parent: string | null): void => {
    for (const sub of [...f.folders.values()].sort((a, b) => a.name.localeCompare(b.name))) {
      const id = `d:${sub.path}`;
      visible.push({ id, name: sub.name, level, folder: true, parent, path: sub.path });
      if (!collapsed.has(sub.path)) walk(sub, level + 1, id);
    }
    for (const file of f.files) visible.push({ id: `f:${file}`, name: file.split('/').pop() ?? file, level, folder: false, parent, path: file });
  };
  walk(tree, 1, null);

  const current = visible.find((i) => i.id === focusId) ?? visible.find((i) => !i.folder && i.path === selected) ?? visible[0];

  const focus = (item: Item | undefined) => {
    if (!item) return;
    setFocusId(item.id);
    refs.current.get(item.id)?.focus();
  };

  const toggle = (path: string, open?: boolean) =>
    setCollapsed((c) => {
      const n = new Set(c);
      const isOpen = !n.has(path);
      if (open ?? !isOpen) n.delete(path);
      else n.add(path);
      return n;
    });

  const onKey = (e: KeyboardEvent<HTMLUListElement>) => {
    if (!current) return;
    const i = visible.indexOf(current);
    switch (e.key) {
      case 'ArrowDown':
        focus(visible[i + 1]);
        break;
      case 'ArrowUp':
        focus(visible[i - 1]);
        break;
      case 'Home':
        focus(visible[0]);
        break;
      case 'End':
        focus(visible[visible.length - 1]);
        break;
      case 'ArrowRight':
        if (current.folder) {
          if (collapsed.has(current.path)) toggle(current.path, true);
          else focus(visible[i + 1]?.parent === current.id ? visible[i + 1] : undefined);
        }
        break;
      case 'ArrowLeft':
        if (current.folder && !collapsed.has(current.path)) toggle(current.path, false);
        else focus(visible.find((x) => x.id === current.parent));
        break;
      case 'Enter':
      case ' ':
        if (current.folder) toggle(current.path);
        else onOpen(current.path);
        break;
      default:
        return;
    }
    e.preventDefault();
  };

  const rendered = (parent: string | null): Item[] => visible.filter((i) => i.parent === parent);

  const renderItems = (parent: string | null) =>
    rendered(parent).map((item, idx, siblings) => {
      const c = counts[item.path];
      const folderCount = item.folder ? Object.entries(counts).filter(([p]) => p.startsWith(`${item.path}/`)).reduce((n, [, x]) => n + x.errors, 0) : 0;
      const open = item.folder && !collapsed.has(item.path);
      return (
        <li
          key={item.id}
          role="treeitem"
          aria-level={item.level}
          aria-setsize={siblings.length}
          aria-posinset={idx + 1}
          aria-expanded={item.folder ? open : undefined}
          aria-selected={item.folder ? undefined : item.path === selected}
          tabIndex={current?.id === item.id ? 0 : -1}
          ref={(el) => {
            if (el) refs.current.set(item.id, el);
            else refs.current.delete(item.id);
          }}
          className={item.folder ? 'studio-tree-folder' : 'studio-tree-file'}
          data-path={item.folder ? undefined : item.path}
          onFocus={(e) => {
            if (e.target === e.currentTarget) setFocusId(item.id);
          }}
          onClick={(e) => {
            e.stopPropagation();
            setFocusId(item.id);
            if (item.folder) toggle(item.path);
            else onOpen(item.path);
          }}
        >
          <span className="studio-tree-row" style={{ paddingInlineStart: `${(item.level - 1) * 1}rem` }}>
            <span aria-hidden="true" className="studio-tree-icon">{item.folder ? (open ? '▾' : '▸') : '·'}</span>
            {item.folder ? (
              <span>{item.name}/</span>
            ) : (
              <span className="studio-tree-name">{item.name}</span>
            )}
            {dirty.has(item.path) && (
              <span className="studio-dirty" title={t('tree.modified')}>
                <span aria-hidden="true">●</span>
                <span className="visually-hidden">{t('tree.modified')}</span>
              </span>
            )}
            {c && c.errors > 0 && (
              <span className="studio-badge studio-badge-error">
                <span aria-hidden="true">{c.errors}</span>
                <span className="visually-hidden">{t('problems.errors', { count: c.errors })}</span>
              </span>
            )}
            {c && c.errors === 0 && c.warnings > 0 && (
              <span className="studio-badge studio-badge-warning">
                <span aria-hidden="true">{c.warnings}</span>
                <span className="visually-hidden">{t('problems.warnings', { count: c.warnings })}</span>
              </span>
            )}
            {item.folder && !open && folderCount > 0 && (
              <span className="studio-badge studio-badge-error">
                <span aria-hidden="true">{folderCount}</span>
                <span className="visually-hidden">{t('problems.errors', { count: folderCount })}</span>
              </span>
            )}
          </span>
          {item.folder && open && (
            <ul role="group">{renderItems(item.id)}</ul>
          )}
        </li>
      );
    });

  return (
    <ul role="tree" aria-label={label} className="studio-tree" onKeyDown={onKey}>
      {renderItems(null)}
    </ul>
  );
}
