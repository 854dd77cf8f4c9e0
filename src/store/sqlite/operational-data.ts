import { StoreError, StoreErrorCode } from '../errors.ts';
import { newId, nowIso } from '../ids.ts';
import type {
  AnalyticsQuery,
  ApiTokenPatch,
  EventAnalytics,
  AuditQuery,
  EventPage,
  EventQuery,
  NewApiToken,
  NewAuditEntry,
} from '../store.ts';
import type { ApiToken, AuditEntry, FirewallEvent, Page, PageQuery } from '../types.ts';
import { toApiToken, toAuditEntry, toFirewallEvent, toJson } from './rows.ts';
import { ListData } from './list-data.ts';
import { limits } from './statements.ts';

/**
 * Tokens, the audit log and firewall events: records that are not edge configuration, so
 * they never bump the configuration version.
 */
export class OperationalData extends ListData {
  async createApiToken(input: NewApiToken): Promise<ApiToken> {
    const id = input.id ?? newId();
    const now = nowIso();
    const seq = this.count('SELECT COALESCE(MAX(seq), 0) + 1 AS n FROM api_tokens');
    this.run(
      `api token ${input.name}`,
      `INSERT INTO api_tokens (id, name, secret_hash, status, policies, issued_on, modified_on,
         expires_on, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      id,
      input.name,
      input.secretHash,
      input.status ?? 'active',
      JSON.stringify(input.policies),
      now,
      now,
      input.expiresOn ?? null,
      seq,
    );
    return this.must(await this.getApiToken(id), 'api token', id);
  }

  async getApiToken(id: string): Promise<ApiToken | undefined> {
    const row = this.get('SELECT * FROM api_tokens WHERE id = ?', id);
    return row && toApiToken(row);
  }

  async getApiTokenBySecretHash(secretHash: string): Promise<ApiToken | undefined> {
    const row = this.get('SELECT * FROM api_tokens WHERE secret_hash = ?', secretHash);
    return row && toApiToken(row);
  }

  async listApiTokens(query?: PageQuery): Promise<Page<ApiToken>> {
    const [limit, offset] = limits(query);
    const rows = this.all('SELECT * FROM api_tokens ORDER BY seq LIMIT ? OFFSET ?', limit, offset);
    return {
      items: rows.map(toApiToken),
      total: this.count('SELECT COUNT(*) AS n FROM api_tokens'),
    };
  }

  async updateApiToken(id: string, patch: ApiTokenPatch): Promise<ApiToken> {
    const t = this.must(await this.getApiToken(id), 'api token', id);
    const next = { ...t, ...patch };
    this.run(
      `api token ${id}`,
      `UPDATE api_tokens SET name = ?, secret_hash = ?, policies = ?, status = ?, expires_on = ?,
         last_used_on = ?, modified_on = ? WHERE id = ?`,
      next.name,
      next.secretHash,
      JSON.stringify(next.policies),
      next.status,
      next.expiresOn,
      next.lastUsedOn,
      // Recording a use is not a modification of the token.
      Object.keys(patch).every((k) => k === 'lastUsedOn') ? t.modifiedOn : nowIso(),
      id,
    );
    return this.must(await this.getApiToken(id), 'api token', id);
  }

  async deleteApiToken(id: string): Promise<void> {
    const r = this.run(`api token ${id}`, 'DELETE FROM api_tokens WHERE id = ?', id);
    if (r.changes === 0) this.must(undefined, 'api token', id);
  }

  async appendAudit(entry: NewAuditEntry): Promise<AuditEntry> {
    const id = newId();
    this.run(
      'audit entry',
      `INSERT INTO audit_log (id, account_id, actor, action, resource_type, resource_id, zone_id,
         before, after, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      id,
      entry.accountId,
      entry.actor,
      entry.action,
      entry.resourceType,
      entry.resourceId,
      entry.zoneId,
      toJson(entry.before),
      toJson(entry.after),
      entry.when ?? nowIso(),
    );
    return toAuditEntry(this.get('SELECT * FROM audit_log WHERE id = ?', id)!);
  }

  async listAudit(query: AuditQuery): Promise<Page<AuditEntry>> {
    const [limit, offset] = limits(query);
    let where = `account_id = ? AND at >= ? AND at < ?`;
    const params = [query.accountId, query.since ?? '', query.before ?? '\uffff'];
    for (const [column, value] of [
      ['id', query.id],
      ['action', query.action],
      ['zone_id', query.zoneId],
    ] as const) {
      if (value === undefined) continue;
      where += ` AND ${column} = ?`;
      params.push(value);
    }
    const order = query.ascending ? 'ASC' : 'DESC';
    const rows = this.all(
      `SELECT * FROM audit_log WHERE ${where} ORDER BY seq ${order} LIMIT ? OFFSET ?`,
      ...params,
      limit,
      offset,
    );
    const total = this.count(`SELECT COUNT(*) AS n FROM audit_log WHERE ${where}`, ...params);
    return { items: rows.map(toAuditEntry), total };
  }

  async insertEvents(events: FirewallEvent[]): Promise<void> {
    for (const e of events) {
      this.run(
        'firewall event',
        `INSERT INTO firewall_events (id, time, zone_id, host, rule_id, action, reason, client_ip,
           method, path, cert_fingerprint, cert_serial, ray_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        e.id,
        e.time,
        e.zoneId,
        e.host,
        e.ruleId,
        e.action,
        e.reason,
        e.clientIp,
        e.method,
        e.path,
        e.certFingerprint,
        e.certSerial,
        e.rayId,
      );
    }
  }

  async queryEvents(q: EventQuery): Promise<EventPage> {
    const where = ['zone_id = ?'];
    const params: unknown[] = [q.zoneId];
    const eq = (column: string, value: string | undefined) => {
      if (value === undefined) return;
      where.push(`${column} = ?`);
      params.push(value);
    };
    eq('action', q.action);
    eq('host', q.host);
    eq('rule_id', q.ruleId);
    eq('reason', q.reason);
    eq('cert_fingerprint', q.certFingerprint);
    eq('client_ip', q.clientIp);
    if (q.since !== undefined) {
      where.push('time >= ?');
      params.push(q.since);
    }
    if (q.until !== undefined) {
      where.push('time < ?');
      params.push(q.until);
    }
    const after = q.cursor === undefined ? undefined : decodeCursor(q.cursor);
    if (q.cursor !== undefined && !after) {
      throw new StoreError(StoreErrorCode.Invalid, `cursor ${q.cursor} is not valid`);
    }
    if (after) {
      where.push('(time < ? OR (time = ? AND id < ?))');
      params.push(after.time, after.time, after.id);
    }
    const limit = Math.max(1, Math.min(q.limit ?? 50, 1000));
    const rows = this.all(
      `SELECT * FROM firewall_events WHERE ${where.join(' AND ')}
       ORDER BY time DESC, id DESC LIMIT ?`,
      ...params,
      limit + 1,
    );
    const items = rows.slice(0, limit).map(toFirewallEvent);
    const last = items.at(-1);
    return rows.length > limit && last ? { items, cursor: encodeCursor(last) } : { items };
  }

  async eventAnalytics(q: AnalyticsQuery): Promise<EventAnalytics> {
    const where = 'zone_id = ? AND time >= ? AND time < ?';
    const params = [q.zoneId, q.since, q.until];
    const series = new Map<number, Record<string, number>>();
    for (const row of this.all(
      `SELECT CAST((time - ?) / ? AS INTEGER) AS bucket, action, COUNT(*) AS n
       FROM firewall_events
       WHERE ${where} GROUP BY bucket, action ORDER BY bucket`,
      q.since,
      q.bucketMs,
      ...params,
    )) {
      const time = q.since + (row.bucket as number) * q.bucketMs;
      const counts = series.get(time) ?? {};
      counts[row.action as string] = row.n as number;
      series.set(time, counts);
    }
    const top = (column: string) =>
      this.all(
        `SELECT ${column} AS value, COUNT(*) AS n FROM firewall_events
         WHERE ${where} AND ${column} IS NOT NULL
         GROUP BY ${column} ORDER BY n DESC, value LIMIT ?`,
        ...params,
        q.top,
      ).map((r) => ({ value: r.value as string, count: r.n as number }));
    return {
      series: [...series].map(([time, counts]) => ({ time, counts })),
      total: this.count(`SELECT COUNT(*) AS n FROM firewall_events WHERE ${where}`, ...params),
      topRules: top('rule_id'),
      topHosts: top('host'),
      topReasons: top('reason'),
      topCertificates: top('cert_fingerprint'),
      topActions: top('action'),
    };
  }

  async deleteEventsBefore(time: number): Promise<number> {
    return this.run('firewall events', 'DELETE FROM firewall_events WHERE time < ?', time).changes;
  }
}

function encodeCursor(e: FirewallEvent): string {
  return Buffer.from(`${e.time}:${e.id}`).toString('base64url');
}

function decodeCursor(cursor: string): { time: number; id: string } | undefined {
  const [time, id] = Buffer.from(cursor, 'base64url').toString().split(':');
  const t = Number(time);
  return Number.isSafeInteger(t) && id ? { time: t, id } : undefined;
}
