/**
 * A modal dialog: labelled by its title, focus kept inside while it is open, Escape and the
 * Cancel-like close button close it, and focus returns to what opened it.
 */
import { useEffect, useId, useRef, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import { IconButton } from './Button.tsx';
import { CloseIcon } from './icons.tsx';

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), ' +
  'textarea:not([disabled]), [tabindex]:not([tabindex="-1"]), [contenteditable="true"]';

export interface DialogProps {
  title: string;
  /** A line under the title. */
  description?: ReactNode;
  onClose: () => void;
  children: ReactNode;
  /** The buttons at the bottom (Cancel, Save, …). */
  footer?: ReactNode;
  size?: 'small' | 'medium' | 'large';
  /** Keeps the dialog open on Escape, e.g. while a save runs. */
  busy?: boolean;
}

export function Dialog(props: DialogProps) {
  const titleId = useId();
  const descriptionId = useId();
  const ref = useRef<HTMLDivElement>(null);
  const onClose = useRef(props.onClose);
  const busy = useRef(props.busy);
  onClose.current = props.onClose;
  busy.current = props.busy;

  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    const node = ref.current;
    // Focus the first field, or else the first control after the close button.
    const first =
      node?.querySelector<HTMLElement>('[data-autofocus]') ??
      node?.querySelector<HTMLElement>('input, select, textarea') ??
      node?.querySelector<HTMLElement>(
        '.dialog-body ' + FOCUSABLE.split(', ').join(', .dialog-body '),
      );
    (first ?? node)?.focus();

    const onKey = (e: KeyboardEvent) => {
      if (!node) return;
      if (e.key === 'Escape') {
        // An open completion list or menu inside the dialog handles its own Escape first.
        if (e.defaultPrevented) return;
        e.stopPropagation();
        if (!busy.current) onClose.current();
        return;
      }
      // A question inside the dialog that keeps Tab among its own answers has handled it.
      if (e.key !== 'Tab' || e.defaultPrevented) return;
      const items = Array.from(node.querySelectorAll<HTMLElement>(FOCUSABLE)).filter(
        (el) => el.offsetParent !== null || el === document.activeElement,
      );
      if (items.length === 0) return;
      const firstItem = items[0] as HTMLElement;
      const lastItem = items[items.length - 1] as HTMLElement;
      if (
        e.shiftKey &&
        (document.activeElement === firstItem || !node.contains(document.activeElement))
      ) {
        e.preventDefault();
        lastItem.focus();
      } else if (
        !e.shiftKey &&
        (document.activeElement === lastItem || !node.contains(document.activeElement))
      ) {
        e.preventDefault();
        firstItem.focus();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('keydown', onKey);
      if (opener && document.contains(opener)) opener.focus();
    };
  }, []);

  return createPortal(
    <div className="dialog-backdrop">
      <div
        ref={ref}
        className={`dialog dialog-${props.size ?? 'medium'}`}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={props.description ? descriptionId : undefined}
        tabIndex={-1}
      >
        <header className="dialog-header">
          <div>
            <h2 id={titleId}>{props.title}</h2>
            {props.description ? (
              <p id={descriptionId} className="dialog-description">
                {props.description}
              </p>
            ) : null}
          </div>
          <IconButton
            label="Close"
            icon={<CloseIcon />}
            onClick={props.onClose}
            disabled={props.busy}
          />
        </header>
        <div className="dialog-body">{props.children}</div>
        {props.footer ? <footer className="dialog-footer">{props.footer}</footer> : null}
      </div>
    </div>,
    document.body,
  );
}
