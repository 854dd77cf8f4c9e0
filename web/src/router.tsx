/**
 * A small hash router: the location is `#/path?query`, so the control plane serves one
 * `index.html` and reloads keep the screen. Routes are patterns with `:params`, matched in
 * the order of the registry in routes.tsx.
 */
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';

/** The current location: the path after `#`, split from its query. */
export interface Location {
  path: string;
  query: URLSearchParams;
}

function readLocation(): Location {
  const raw = window.location.hash.replace(/^#/, '') || '/';
  const [path = '/', query = ''] = raw.split('?', 2);
  return { path, query: new URLSearchParams(query) };
}

/** Goes to a dashboard path, e.g. `navigate('/zones/abc/firewall')`. */
export function navigate(to: string, options: { replace?: boolean } = {}): void {
  const target = `#${to}`;
  if (options.replace) window.history.replaceState(null, '', target);
  else window.history.pushState(null, '', target);
  window.dispatchEvent(new HashChangeEvent('hashchange'));
}

/** The href of a dashboard path, for links that open in a new tab too. */
export function href(to: string): string {
  return `#${to}`;
}

/** Re-renders on every location change. */
export function useLocation(): Location {
  const [location, setLocation] = useState(readLocation);
  useEffect(() => {
    const update = () => setLocation(readLocation());
    window.addEventListener('hashchange', update);
    window.addEventListener('popstate', update);
    return () => {
      window.removeEventListener('hashchange', update);
      window.removeEventListener('popstate', update);
    };
  }, []);
  return location;
}

/** Matches a pattern such as `/zones/:zoneId/firewall` against a path. */
export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split('/').filter(Boolean);
  const have = path.split('/').filter(Boolean);
  if (want.length !== have.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i] as string;
    const h = have[i] as string;
    if (w.startsWith(':')) params[w.slice(1)] = decodeURIComponent(h);
    else if (w !== h) return null;
  }
  return params;
}

const ParamsContext = createContext<Record<string, string>>({});

export function ParamsProvider(props: { params: Record<string, string>; children: ReactNode }) {
  return <ParamsContext.Provider value={props.params}>{props.children}</ParamsContext.Provider>;
}

/** The `:params` of the matched route. */
export function useParams(): Record<string, string> {
  return useContext(ParamsContext);
}

/** A link to a dashboard path that keeps the hash router in charge. */
export function Link(props: {
  to: string;
  children: ReactNode;
  className?: string;
  'aria-current'?: 'page' | undefined;
}) {
  return (
    <a
      href={href(props.to)}
      className={props.className}
      aria-current={props['aria-current']}
      onClick={(e) => {
        if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
        e.preventDefault();
        navigate(props.to);
      }}
    >
      {props.children}
    </a>
  );
}
