import { Button } from './Button.tsx';

/**
 * The footer of a form dialog: Cancel, then the primary button that submits the form with id
 * `formId` from outside it. Both wait while `busy`; `disabled` holds back only the submit.
 *
 * @example
 * <Dialog
 *   footer={<FormFooter formId={formId} submitLabel="Create" busy={busy} onCancel={onClose} />}
 *   …
 * />
 */
export function FormFooter(props: {
  formId: string;
  submitLabel: string;
  busy: boolean;
  onCancel: () => void;
  disabled?: boolean;
}) {
  return (
    <>
      <Button onClick={props.onCancel} disabled={props.busy}>
        Cancel
      </Button>
      <Button
        variant="primary"
        type="submit"
        form={props.formId}
        busy={props.busy}
        disabled={props.disabled}
      >
        {props.submitLabel}
      </Button>
    </>
  );
}
