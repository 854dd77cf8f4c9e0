import { Placeholder } from '../placeholder.tsx';

/** The zone's proxied hostnames, their origins and server certificates. */
export function HostsScreen() {
  return <Placeholder title="Hosts" what="The zone's proxied hostnames and origins" />;
}
