/**
 * The serials of revoked certificates, per trusted CA. The edge looks a certificate up here
 * on every request rather than once per connection, so a revocation reaches connections that
 * are already open. Updates replace one CA's set at a time, atomically for readers.
 */
export class RevokedSet {
  #byCa = new Map<string, ReadonlySet<string>>();

  /** Whether `serial` (uppercase hex) is revoked by the CA `caId`. */
  has(caId: string, serial: string): boolean {
    return this.#byCa.get(caId)?.has(serial) ?? false;
  }

  /** Replaces the revoked serials of one CA. */
  replace(caId: string, serials: Iterable<string>): void {
    this.#byCa.set(caId, new Set(serials));
  }

  /** Forgets CAs that are no longer trusted by any host. */
  retain(caIds: ReadonlySet<string>): void {
    for (const id of this.#byCa.keys()) if (!caIds.has(id)) this.#byCa.delete(id);
  }

  /** How many serials are revoked in all. */
  get size(): number {
    let n = 0;
    for (const s of this.#byCa.values()) n += s.size;
    return n;
  }
}
