import { Link } from '../router.tsx';

/** Tabs that are links (each tab is its own route), marked with aria-current. */
export function TabLinks(props: {
  label: string;
  tabs: { to: string; label: string; active: boolean }[];
}) {
  return (
    <nav className="tabs" aria-label={props.label}>
      {props.tabs.map((t) => (
        <Link
          key={t.to}
          to={t.to}
          className={`tab${t.active ? ' tab-active' : ''}`}
          aria-current={t.active ? 'page' : undefined}
        >
          {t.label}
        </Link>
      ))}
    </nav>
  );
}
