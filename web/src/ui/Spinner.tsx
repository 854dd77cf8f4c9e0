/** A busy indicator. With a label it also tells screen readers what is going on. */
export function Spinner(props: { label?: string; size?: 'small' | 'large' }) {
  return (
    <span className={`spinner-wrap${props.size === 'large' ? ' spinner-large' : ''}`} role="status">
      <span className="spinner" aria-hidden="true" />
      {props.label ? <span className="spinner-label">{props.label}</span> : null}
    </span>
  );
}

/** The whole-area loading state of a card or screen. */
export function Loading(props: { label?: string }) {
  return (
    <div className="loading">
      <Spinner label={props.label ?? 'Loading…'} size="large" />
    </div>
  );
}
