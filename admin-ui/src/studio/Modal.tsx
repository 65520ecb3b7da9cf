/** A modal dialog on the native <dialog>: focus moves in (to the title), Escape closes, focus returns after. */
import { useEffect, useId, useRef, type ReactNode } from 'react';

interface Props {
  title: string;
  onClose: () => void;
  children: ReactNode;
  /** Buttons, at the bottom. */
  actions: ReactNode;
  wide?: boolean;
  testId?: string;
}

export function Modal({ title, onClose, children, actions, wide, testId }: Props) {
  const ref = useRef<HTMLDialogElement | null>(null);
  const titleId = useId();
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;

  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!d.open) d.showModal();
    // Start at a field marked for it, or else at the title, so that the whole dialog is read.
    (d.querySelector<HTMLElement>('[data-autofocus]') ?? d.querySelector<HTMLElement>('h2'))?.focus();
    const cancel = (e: Event) => {
      e.preventDefault();
      onCloseRef.current();
    };
    d.addEventListener('cancel', cancel);
    return () => {
      d.removeEventListener('cancel', cancel);
      if (d.open) d.close();
      before?.focus();
    };
  }, []);

  return (
    <dialog ref={ref} className={`studio-dialog${wide ? ' studio-dialog-wide' : ''}`} aria-labelledby={titleId} data-testid={testId}>
      <h2 id={titleId} tabIndex={-1}>{title}</h2>
      <div className="studio-dialog-body">{children}</div>
      <div className="studio-dialog-actions">{actions}</div>
    </dialog>
  );
}
