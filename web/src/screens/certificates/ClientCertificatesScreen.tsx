import { Placeholder } from '../placeholder.tsx';

/** SSL/TLS → Client Certificates. */
export function ClientCertificatesScreen() {
  return <Placeholder title="Client Certificates" what="The zone's client certificates" />;
}
