/**
 * The serials of revoked certificates, per trusted CA. The edge looks a certificate up here
 * on every request rather than once per connection, so a revocation reaches connections that
 * are already open. Updates replace one CA's set or change one serial at a time; JavaScript
 * runs them between requests, so a reader never sees half of one.
 */
export class RevokedSet {
  #byCa = new Map<string, Set<string>>();

  /** Whether `serial` (uppercase hex) is revoked by the CA `caId`. */
  has(caId: string, serial: string): boolean {
    return this.#byCa.get(caId)?.has(serial) ?? false;
  }

  /** Replaces the revoked serials of one CA. */
  replace(caId: string, serials: Iterable<string>): void {
    this.#byCa.set(caId, new Set(serials));
  }

  /** Whether the set holds the serials of the CA `caId`: some host trusts it. */
  tracks(caId: string): boolean {
    return this.#byCa.has(caId);
  }

  /**
   * Marks one serial of a tracked CA revoked or not, without touching the others: a revocation
   * costs the same whether the CA has revoked ten certificates or a million.
   */
  set(caId: string, serial: string, revoked: boolean): void {
    const serials = this.#byCa.get(caId);
    if (!serials) return;
    if (revoked) serials.add(serial);
    else serials.delete(serial);
  }

  /** The revoked serials of one CA. */
  serialsOf(caId: string): string[] {
    return [...(this.#byCa.get(caId) ?? [])];
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
