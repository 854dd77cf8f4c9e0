/**
 * Every screen of the dashboard, one line each. `nav` puts a screen in the sidebar: `zone`
 * entries appear inside a zone, `account` entries beside the account; `group` nests an entry
 * under a heading such as SSL/TLS. A nav entry stays highlighted on deeper paths (the
 * Firewall entry on its Firewall Rules tab).
 */
import type { ComponentType, ReactNode } from 'react';
import { AuditLogScreen } from './screens/audit/AuditLogScreen.tsx';
import { ClientCertificatesScreen } from './screens/certificates/ClientCertificatesScreen.tsx';
import { EdgesScreen } from './screens/edges/EdgesScreen.tsx';
import { FirewallScreen } from './screens/firewall/FirewallScreen.tsx';
import { HomeScreen } from './screens/home/HomeScreen.tsx';
import { HostsScreen } from './screens/hosts/HostsScreen.tsx';
import { ZoneIndex } from './screens/home/ZoneIndex.tsx';
import { ApiTokensScreen } from './screens/tokens/ApiTokensScreen.tsx';
import {
  HomeIcon,
  KeyIcon,
  ListIcon,
  LockIcon,
  NodesIcon,
  ServerIcon,
  ShieldIcon,
} from './ui/index.ts';

export interface ScreenRoute {
  /** The hash path, with `:zoneId` / `:accountId` parameters. */
  path: string;
  /** The document title. */
  title: string;
  component: ComponentType;
  nav?: { section: 'zone' | 'account'; label: string; group?: string; icon?: ReactNode };
}

export const routes: ScreenRoute[] = [
  {
    path: '/',
    title: 'Zones',
    component: HomeScreen,
    nav: { section: 'account', label: 'Zones', icon: <HomeIcon /> },
  },
  { path: '/zones/:zoneId', title: 'Zone', component: ZoneIndex },
  {
    path: '/zones/:zoneId/firewall',
    title: 'Firewall',
    component: FirewallScreen,
    nav: { section: 'zone', label: 'Firewall', icon: <ShieldIcon /> },
  },
  { path: '/zones/:zoneId/firewall/rules', title: 'Firewall Rules', component: FirewallScreen },
  {
    path: '/zones/:zoneId/ssl-tls/client-certificates',
    title: 'Client Certificates',
    component: ClientCertificatesScreen,
    nav: { section: 'zone', group: 'SSL/TLS', label: 'Client Certificates', icon: <LockIcon /> },
  },
  {
    path: '/zones/:zoneId/hosts',
    title: 'Hosts',
    component: HostsScreen,
    nav: { section: 'zone', label: 'Hosts', icon: <ServerIcon /> },
  },
  {
    path: '/api-tokens',
    title: 'API Tokens',
    component: ApiTokensScreen,
    nav: { section: 'account', label: 'API Tokens', icon: <KeyIcon /> },
  },
  {
    path: '/accounts/:accountId/audit-log',
    title: 'Audit Log',
    component: AuditLogScreen,
    nav: { section: 'account', label: 'Audit Log', icon: <ListIcon /> },
  },
  {
    path: '/edges',
    title: 'Edges',
    component: EdgesScreen,
    nav: { section: 'account', label: 'Edges', icon: <NodesIcon /> },
  },
];
