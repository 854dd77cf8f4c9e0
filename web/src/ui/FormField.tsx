import { cloneElement, useId, type ReactElement, type ReactNode } from 'react';

/**
 * A labelled form control: the `<label>` names the child control (input, select, textarea),
 * a hint and an error are tied to it with aria-describedby.
 */
export function FormField(props: {
  label: ReactNode;
  children: ReactElement<Record<string, unknown>>;
  hint?: ReactNode;
  error?: ReactNode;
  className?: string;
}) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [props.hint ? hintId : '', props.error ? errorId : '']
    .filter(Boolean)
    .join(' ');
  const control = cloneElement(props.children, {
    id: (props.children.props.id as string | undefined) ?? id,
    'aria-describedby': describedBy || undefined,
    'aria-invalid': props.error ? true : undefined,
  });
  const controlId = (control.props as { id: string }).id;
  return (
    <div className={`field${props.className ? ` ${props.className}` : ''}`}>
      <label htmlFor={controlId}>{props.label}</label>
      {control}
      {props.hint ? (
        <p id={hintId} className="field-hint">
          {props.hint}
        </p>
      ) : null}
      {props.error ? (
        <p id={errorId} className="field-error">
          {props.error}
        </p>
      ) : null}
    </div>
  );
}
