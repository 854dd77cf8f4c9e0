import { newId, nowIso } from '../ids.ts';
import type {
  ApiTokenPatch,
  AuditQuery,
  NewApiToken,
  NewAuditEntry,
  NewEdgeReport,
} from '../store.ts';
import type { ApiToken, AuditEntry, EdgeNode, Page, PageQuery } from '../types.ts';
import { EventData } from './event-data.ts';
import { toJson } from './rows.ts';
import { limits } from '../records.ts';

/**
 * Tokens, the audit log and edge reports: records that are not edge configuration, so they
 * never bump the configuration version.
 */
export abstract class OperationalData extends EventData {
  async createApiToken(input: NewApiToken): Promise<ApiToken> {
    const id = input.id ?? newId();
    const now = nowIso();
    const seq = await this.count('SELECT COALESCE(MAX(seq), 0) + 1 AS n FROM api_tokens');
    await this.run(
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
    const row = await this.get('SELECT * FROM api_tokens WHERE id = ?', id);
    return row && this.rows.toApiToken(row);
  }

  async getApiTokenBySecretHash(secretHash: string): Promise<ApiToken | undefined> {
    const row = await this.get('SELECT * FROM api_tokens WHERE secret_hash = ?', secretHash);
    return row && this.rows.toApiToken(row);
  }

  async listApiTokens(query?: PageQuery): Promise<Page<ApiToken>> {
    const [limit, offset] = limits(query);
    const rows = await this.all(
      'SELECT * FROM api_tokens ORDER BY seq LIMIT ? OFFSET ?',
      limit,
      offset,
    );
    return {
      items: rows.map(this.rows.toApiToken),
      total: await this.count('SELECT COUNT(*) AS n FROM api_tokens'),
    };
  }

  async updateApiToken(id: string, patch: ApiTokenPatch): Promise<ApiToken> {
    const t = this.must(await this.getApiToken(id), 'api token', id);
    const next = { ...t, ...patch };
    await this.run(
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
    const n = await this.run(`api token ${id}`, 'DELETE FROM api_tokens WHERE id = ?', id);
    if (n === 0) this.must(undefined, 'api token', id);
  }

  async reportEdge(input: NewEdgeReport): Promise<EdgeNode> {
    const now = nowIso();
    await this.run(
      `edge ${input.id}`,
      `INSERT INTO edges (id, name, role, applied_version, source, first_seen, last_seen)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, role = excluded.role,
         applied_version = excluded.applied_version, source = excluded.source,
         last_seen = excluded.last_seen`,
      input.id,
      input.name,
      input.role ?? 'edge',
      input.appliedVersion,
      input.source ?? 'store',
      now,
      now,
    );
    return this.rows.toEdgeNode((await this.get('SELECT * FROM edges WHERE id = ?', input.id))!);
  }

  async listEdges(): Promise<EdgeNode[]> {
    return (await this.all('SELECT * FROM edges ORDER BY name, id')).map(this.rows.toEdgeNode);
  }

  async deleteEdge(id: string): Promise<void> {
    const n = await this.run(`edge ${id}`, 'DELETE FROM edges WHERE id = ?', id);
    if (n === 0) this.must(undefined, 'edge', id);
  }

  async appendAudit(entry: NewAuditEntry): Promise<AuditEntry> {
    const id = newId();
    await this.run(
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
    return this.rows.toAuditEntry((await this.get('SELECT * FROM audit_log WHERE id = ?', id))!);
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
    const rows = await this.all(
      `SELECT * FROM audit_log WHERE ${where} ORDER BY seq ${order} LIMIT ? OFFSET ?`,
      ...params,
      limit,
      offset,
    );
    const total = await this.count(`SELECT COUNT(*) AS n FROM audit_log WHERE ${where}`, ...params);
    return { items: rows.map(this.rows.toAuditEntry), total };
  }
}
