/**
 * The expression of a mTLS rule over some hosts, written the way Cloudflare's dashboard writes
 * it. A revoked certificate still counts as verified, so blocking it takes its own condition.
 */
export function mtlsExpression(hosts: readonly string[], blockRevoked: boolean): string {
  const set = `{${hosts.map((h) => JSON.stringify(h)).join(' ')}}`;
  const certificate = blockRevoked
    ? '(not cf.tls_client_auth.cert_verified or cf.tls_client_auth.cert_revoked)'
    : 'not cf.tls_client_auth.cert_verified';
  return `(http.host in ${set} and ${certificate})`;
}
