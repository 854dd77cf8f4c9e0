/** An on/off switch: a `role="switch"` button, named by `label`, showing its state. */
export function Toggle(props: {
  checked: boolean;
  onChange: (checked: boolean) => void;
  label: string;
  disabled?: boolean;
  busy?: boolean;
}) {
  return (
    <button
      type="button"
      role="switch"
      aria-checked={props.checked}
      aria-label={props.label}
      title={props.label}
      aria-busy={props.busy || undefined}
      disabled={props.disabled || props.busy}
      className={`toggle${props.checked ? ' toggle-on' : ''}${props.busy ? ' toggle-busy' : ''}`}
      onClick={() => props.onChange(!props.checked)}
    >
      <span className="toggle-knob" aria-hidden="true" />
    </button>
  );
}
