/**
 * The frame of every signed-in screen: the top bar with the account and zone pickers, the
 * sidebar built from the route registry, and the screen itself.
 */
import { useEffect, type ReactNode } from 'react';
import { matchPath, navigate, Link, useLocation } from '../router.tsx';
import { routes, type ScreenRoute } from '../routes.tsx';
import { Button } from '../ui/index.ts';
import { useSession } from './session.tsx';
import { useZone } from './use-zone.ts';

function navPath(route: ScreenRoute, zoneId: string | undefined, accountId: string | undefined) {
  return route.path.replace(':zoneId', zoneId ?? '').replace(':accountId', accountId ?? '');
}

function isActive(route: ScreenRoute, target: string, current: string): boolean {
  if (route.path === '/') return current === '/';
  return current === target || current.startsWith(`${target}/`);
}

function NavList(props: {
  items: ScreenRoute[];
  zoneId?: string;
  accountId?: string;
  path: string;
}) {
  const groups: { group: string | undefined; items: ScreenRoute[] }[] = [];
  for (const item of props.items) {
    const last = groups[groups.length - 1];
    if (last && last.group === item.nav?.group) last.items.push(item);
    else groups.push({ group: item.nav?.group, items: [item] });
  }
  return (
    <ul className="nav-list">
      {groups.map((g, i) => {
        const links = g.items.map((route) => {
          const to = navPath(route, props.zoneId, props.accountId);
          const active = isActive(route, to, props.path);
          return (
            <li key={route.path}>
              <Link
                to={to}
                className={`nav-link${active ? ' nav-link-active' : ''}`}
                aria-current={active ? 'page' : undefined}
              >
                {route.nav?.icon}
                <span>{route.nav?.label}</span>
              </Link>
            </li>
          );
        });
        if (!g.group) return links;
        return (
          <li key={`group-${i}`} className="nav-group">
            <span className="nav-group-label">{g.group}</span>
            <ul className="nav-list nav-sublist">{links}</ul>
          </li>
        );
      })}
    </ul>
  );
}

export function Shell(props: { children: ReactNode; zoneId?: string }) {
  const session = useSession();
  const { path } = useLocation();
  const zone = useZone(props.zoneId);
  const zoneAccount = zone.data?.account.id;

  // Opening a zone of another account switches the account picker to it.
  useEffect(() => {
    if (zoneAccount && session.account && zoneAccount !== session.account.id) {
      session.selectAccount(zoneAccount);
    }
  }, [zoneAccount, session]);

  const accountId = session.account?.id;
  const zoneNav = routes.filter((r) => r.nav?.section === 'zone');
  const accountNav = routes.filter((r) => r.nav?.section === 'account');
  const zonePicker = props.zoneId ?? '';

  return (
    <div className="app">
      <a
        className="skip-link"
        href="#main"
        onClick={(e) => {
          e.preventDefault();
          document.getElementById('main')?.focus();
        }}
      >
        Skip to content
      </a>
      <header className="topbar">
        <Link to="/" className="brand">
          <span className="brand-mark" aria-hidden="true" />
          Portcullis
        </Link>
        {session.accounts.length > 0 ? (
          <label className="picker">
            <span>Account</span>
            <select
              value={accountId ?? ''}
              onChange={(e) => {
                session.selectAccount(e.target.value);
                navigate('/');
              }}
            >
              {session.accounts.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        <label className="picker">
          <span>Zone</span>
          <select
            value={zonePicker}
            onChange={(e) => navigate(e.target.value ? `/zones/${e.target.value}/firewall` : '/')}
          >
            <option value="">All zones</option>
            {session.zones.map((z) => (
              <option key={z.id} value={z.id}>
                {z.name}
              </option>
            ))}
            {props.zoneId && zone.data && !session.zones.some((z) => z.id === props.zoneId) ? (
              <option value={props.zoneId}>{zone.data.name}</option>
            ) : null}
          </select>
        </label>
        <span className="topbar-spacer" />
        <Button variant="ghost" onClick={session.signOut}>
          Sign out
        </Button>
      </header>
      <div className="app-body">
        <nav className="sidebar" aria-label="Main">
          {props.zoneId ? (
            <div className="nav-section">
              <p className="nav-section-title" title={zone.data?.name}>
                {zone.data?.name ?? 'Zone'}
              </p>
              <NavList items={zoneNav} zoneId={props.zoneId} accountId={accountId} path={path} />
            </div>
          ) : null}
          <div className="nav-section">
            <p className="nav-section-title">{session.account?.name ?? 'Account'}</p>
            <NavList items={accountNav} zoneId={props.zoneId} accountId={accountId} path={path} />
          </div>
        </nav>
        <main id="main" tabIndex={-1} className="main">
          {props.children}
        </main>
      </div>
    </div>
  );
}

/** The registry entry and parameters of a path, or undefined when no screen has it. */
export function resolveRoute(path: string) {
  for (const route of routes) {
    const params = matchPath(route.path, path);
    if (params) return { route, params };
  }
  return undefined;
}
