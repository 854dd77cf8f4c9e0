import { useState, type ReactNode } from 'react';
import { Button } from './Button.tsx';
import { Dialog } from './Dialog.tsx';
import { ErrorBanner } from './ErrorBanner.tsx';

/**
 * Asks before an action that cannot simply be undone (revoke, delete, roll), runs it with a
 * spinner on the confirming button, and keeps the dialog open with the API's error in words
 * when it fails. Focus starts on Cancel, so that Enter alone never confirms.
 */
export function ConfirmDialog(props: {
  title: string;
  children: ReactNode;
  /** The confirming button's words, e.g. "Revoke". */
  confirmLabel: string;
  tone?: 'danger' | 'primary';
  /** The action; the dialog closes when it resolves. */
  onConfirm: () => Promise<unknown>;
  onClose: () => void;
  errorTitle?: string;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      await props.onConfirm();
    } catch (err) {
      setError(err);
      setBusy(false);
      return;
    }
    setBusy(false);
    props.onClose();
  };

  return (
    <Dialog
      title={props.title}
      size="small"
      onClose={props.onClose}
      busy={busy}
      footer={
        <>
          <Button onClick={props.onClose} disabled={busy} data-autofocus>
            Cancel
          </Button>
          <Button variant={props.tone ?? 'danger'} busy={busy} onClick={confirm}>
            {props.confirmLabel}
          </Button>
        </>
      }
    >
      <ErrorBanner
        error={error}
        title={props.errorTitle ?? `Cannot ${props.confirmLabel.toLowerCase()}`}
      />
      <div className="confirm-text">{props.children}</div>
    </Dialog>
  );
}
