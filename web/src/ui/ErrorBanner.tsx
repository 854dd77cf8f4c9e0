import type { ReactNode } from 'react';
import { errorMessage } from '../api/client.ts';

/** The API's error in words, announced to screen readers; nothing when there is no error. */
export function ErrorBanner(props: { error: unknown; title?: string; onRetry?: () => void }) {
  if (props.error === null || props.error === undefined) return null;
  return (
    <div className="banner banner-error" role="alert">
      <strong>{props.title ?? 'Something went wrong'}</strong>
      <span className="banner-text">{errorMessage(props.error)}</span>
      {props.onRetry ? (
        <button type="button" className="btn btn-link" onClick={props.onRetry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}

/** A neutral note, e.g. an explanation above a form. */
export function Notice(props: { children: ReactNode; tone?: 'info' | 'warning' }) {
  return (
    <div className={`banner banner-${props.tone ?? 'info'}`} role="note">
      <span className="banner-text">{props.children}</span>
    </div>
  );
}
