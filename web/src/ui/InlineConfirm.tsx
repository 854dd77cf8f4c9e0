/**
 * A question asked inside a dialog, in place, before a change that loses work: an
 * `alertdialog` that takes focus on its safe answer, keeps Tab among its answers, takes
 * Escape as Cancel, and hands focus back through `onDone` once answered.
 */
import { useEffect, useId, useRef, type KeyboardEvent, type ReactNode } from 'react';
import { Button } from './Button.tsx';

export function InlineConfirm(props: {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
  /** Called after either answer, e.g. to focus the control that asked. */
  onDone?: () => void;
}) {
  const ids = useId();
  const ref = useRef<HTMLDivElement>(null);

  useEffect(() => {
    // Cancel is the answer that loses nothing, so it is the one Enter would press.
    ref.current?.querySelector<HTMLElement>('[data-cancel]')?.focus();
  }, []);

  const answer = (choice: () => void) => {
    choice();
    props.onDone?.();
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key === 'Escape') {
      // Marked as handled, so that the dialog around this question stays open.
      e.preventDefault();
      e.stopPropagation();
      answer(props.onCancel);
      return;
    }
    if (e.key !== 'Tab') return;
    const buttons = Array.from(ref.current?.querySelectorAll<HTMLElement>('button') ?? []);
    const at = buttons.indexOf(document.activeElement as HTMLElement);
    const next = buttons[(at + (e.shiftKey ? buttons.length - 1 : 1)) % buttons.length];
    e.preventDefault();
    next?.focus();
  };

  return (
    <div
      ref={ref}
      className="confirm"
      role="alertdialog"
      aria-labelledby={`${ids}-title`}
      aria-describedby={`${ids}-text`}
      onKeyDown={onKeyDown}
    >
      <p id={`${ids}-title`} className="confirm-title">
        {props.title}
      </p>
      <div id={`${ids}-text`}>{props.children}</div>
      <div className="confirm-actions">
        <Button variant="danger" onClick={() => answer(props.onConfirm)}>
          {props.confirmLabel}
        </Button>
        <Button data-cancel onClick={() => answer(props.onCancel)}>
          Cancel
        </Button>
      </div>
    </div>
  );
}
