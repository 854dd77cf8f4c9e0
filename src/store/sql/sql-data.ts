import { conflict } from '../errors.ts';
import { newId, nowIso } from '../ids.ts';
import type {
  HostPatch,
  NewAccount,
  NewHost,
  NewRule,
  NewZone,
  RulePatch,
  StoreData,
  ZonePatch,
  ZoneQuery,
} from '../store.ts';
import type { Account, Host, Page, PageQuery, Rule, Zone } from '../types.ts';
import { CertificateData } from './certificate-data.ts';
import { toJson } from './rows.ts';
import { clamp, limits, sameRule } from '../records.ts';

/**
 * Every store operation in SQL, run inside the transaction its context belongs to; each
 * backend supplies the driver and the few statements its dialect writes differently.
 */
export abstract class SqlData extends CertificateData implements StoreData {
  async createAccount(input: NewAccount): Promise<Account> {
    const id = input.id ?? newId();
    await this.run(
      `account ${input.name}`,
      'INSERT INTO accounts (id, name, created_on) VALUES (?, ?, ?)',
      id,
      input.name,
      nowIso(),
    );
    return this.must(await this.getAccount(id), 'account', id);
  }

  async getAccount(id: string): Promise<Account | undefined> {
    const row = await this.get('SELECT * FROM accounts WHERE id = ?', id);
    return row && this.rows.toAccount(row);
  }

  async listAccounts(query?: PageQuery): Promise<Page<Account>> {
    const [limit, offset] = limits(query);
    const rows = await this.all(
      'SELECT * FROM accounts ORDER BY created_on, id LIMIT ? OFFSET ?',
      limit,
      offset,
    );
    return {
      items: rows.map(this.rows.toAccount),
      total: await this.count('SELECT COUNT(*) AS n FROM accounts'),
    };
  }

  async updateAccount(id: string, patch: { name?: string }): Promise<Account> {
    const account = this.must(await this.getAccount(id), 'account', id);
    await this.run(
      `account ${id}`,
      'UPDATE accounts SET name = ? WHERE id = ?',
      patch.name ?? account.name,
      id,
    );
    return this.must(await this.getAccount(id), 'account', id);
  }

  async createZone(input: NewZone): Promise<Zone> {
    const id = input.id ?? newId();
    const now = nowIso();
    await this.run(
      `zone ${input.name}`,
      `INSERT INTO zones (id, account_id, name, paused, created_on, modified_on)
       VALUES (?, ?, ?, ?, ?, ?)`,
      id,
      input.accountId,
      input.name.toLowerCase(),
      input.paused ? 1 : 0,
      now,
      now,
    );
    this.ctx.record({ type: 'zone', id, zoneId: id, op: 'create' });
    return this.must(await this.getZone(id), 'zone', id);
  }

  async getZone(id: string): Promise<Zone | undefined> {
    const row = await this.get('SELECT * FROM zones WHERE id = ?', id);
    return row && this.rows.toZone(row);
  }

  async listZones(query?: ZoneQuery): Promise<Page<Zone>> {
    const [limit, offset] = limits(query);
    const where: string[] = [];
    const params: unknown[] = [];
    if (query?.accountId !== undefined) {
      where.push('account_id = ?');
      params.push(query.accountId);
    }
    if (query?.name !== undefined) {
      where.push('name = ?');
      params.push(query.name.toLowerCase());
    }
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const rows = await this.all(
      `SELECT * FROM zones ${clause} ORDER BY name LIMIT ? OFFSET ?`,
      ...params,
      limit,
      offset,
    );
    const total = await this.count(`SELECT COUNT(*) AS n FROM zones ${clause}`, ...params);
    return { items: rows.map(this.rows.toZone), total };
  }

  async updateZone(id: string, patch: ZonePatch): Promise<Zone> {
    const zone = this.must(await this.getZone(id), 'zone', id);
    const next = { ...zone, ...patch };
    await this.run(
      `zone ${id}`,
      'UPDATE zones SET name = ?, paused = ?, modified_on = ? WHERE id = ?',
      next.name.toLowerCase(),
      next.paused ? 1 : 0,
      nowIso(),
      id,
    );
    this.ctx.record({ type: 'zone', id, zoneId: id, op: 'update' });
    return this.must(await this.getZone(id), 'zone', id);
  }

  async deleteZone(id: string): Promise<void> {
    this.must(await this.getZone(id), 'zone', id);
    const hosts = await this.count('SELECT COUNT(*) AS n FROM hosts WHERE zone_id = ?', id);
    if (hosts > 0) throw conflict(`zone ${id} still has ${hosts} host(s)`);
    // Rules and certificates belong to the zone and go with it; events are history and stay.
    await this.run(`zone ${id}`, 'DELETE FROM rules WHERE zone_id = ?', id);
    await this.run(`zone ${id}`, 'DELETE FROM rulesets WHERE zone_id = ?', id);
    await this.run(`zone ${id}`, 'DELETE FROM filters WHERE zone_id = ?', id);
    await this.run(`zone ${id}`, 'DELETE FROM client_certificates WHERE zone_id = ?', id);
    await this.run(`zone ${id}`, 'DELETE FROM zones WHERE id = ?', id);
    this.ctx.record({ type: 'zone', id, zoneId: id, op: 'delete' });
  }

  async createHost(input: NewHost): Promise<Host> {
    const id = input.id ?? newId();
    const now = nowIso();
    await this.run(
      `host ${input.hostname}`,
      `INSERT INTO hosts (id, zone_id, hostname, origin, mtls_enabled, certificate_authority_id,
         identity_headers, created_on, modified_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      id,
      input.zoneId,
      input.hostname.toLowerCase(),
      input.origin,
      input.mtlsEnabled ? 1 : 0,
      input.certificateAuthorityId ?? null,
      JSON.stringify(input.identityHeaders ?? {}),
      now,
      now,
    );
    this.ctx.record({ type: 'host', id, zoneId: input.zoneId, op: 'create' });
    return this.must(await this.getHost(id), 'host', id);
  }

  async getHost(id: string): Promise<Host | undefined> {
    const row = await this.get('SELECT * FROM hosts WHERE id = ?', id);
    return row && this.rows.toHost(row);
  }

  async getHostByName(hostname: string): Promise<Host | undefined> {
    const row = await this.get('SELECT * FROM hosts WHERE hostname = ?', hostname.toLowerCase());
    return row && this.rows.toHost(row);
  }

  async listHosts(zoneId: string): Promise<Host[]> {
    const rows = await this.all('SELECT * FROM hosts WHERE zone_id = ? ORDER BY hostname', zoneId);
    return rows.map(this.rows.toHost);
  }

  async updateHost(id: string, patch: HostPatch): Promise<Host> {
    const host = this.must(await this.getHost(id), 'host', id);
    const next = { ...host, ...patch };
    await this.run(
      `host ${id}`,
      `UPDATE hosts SET hostname = ?, origin = ?, mtls_enabled = ?, certificate_authority_id = ?,
         identity_headers = ?, modified_on = ? WHERE id = ?`,
      next.hostname.toLowerCase(),
      next.origin,
      next.mtlsEnabled ? 1 : 0,
      next.certificateAuthorityId,
      JSON.stringify(next.identityHeaders),
      nowIso(),
      id,
    );
    this.ctx.record({ type: 'host', id, zoneId: host.zoneId, op: 'update' });
    return this.must(await this.getHost(id), 'host', id);
  }

  async deleteHost(id: string): Promise<void> {
    const host = this.must(await this.getHost(id), 'host', id);
    await this.run(`host ${id}`, 'DELETE FROM hosts WHERE id = ?', id);
    this.ctx.record({ type: 'host', id, zoneId: host.zoneId, op: 'delete' });
  }

  async createRule(input: NewRule): Promise<Rule> {
    const id = input.id ?? newId();
    const size = await this.count(
      'SELECT COUNT(*) AS n FROM rules WHERE zone_id = ?',
      input.zoneId,
    );
    const position = clamp(input.position ?? size, 0, size);
    await this.run(
      `rules of zone ${input.zoneId}`,
      'UPDATE rules SET position = position + 1 WHERE zone_id = ? AND position >= ?',
      input.zoneId,
      position,
    );
    await this.insertRule(id, input.zoneId, position, input, 1);
    await this.touchRuleset(input.zoneId);
    this.ctx.record({ type: 'rule', id, zoneId: input.zoneId, op: 'create' });
    return this.must(await this.getRule(id), 'rule', id);
  }

  async getRule(id: string): Promise<Rule | undefined> {
    const row = await this.get('SELECT * FROM rules WHERE id = ?', id);
    return row && this.rows.toRule(row);
  }

  async listRules(zoneId: string): Promise<Rule[]> {
    const rows = await this.all('SELECT * FROM rules WHERE zone_id = ? ORDER BY position', zoneId);
    return rows.map(this.rows.toRule);
  }

  async updateRule(id: string, patch: RulePatch): Promise<Rule> {
    const rule = this.must(await this.getRule(id), 'rule', id);
    const { position, ...fields } = patch;
    const next = { ...rule, ...fields };
    await this.run(
      `rule ${id}`,
      `UPDATE rules SET action = ?, expression = ?, description = ?, enabled = ?, ref = ?,
         action_parameters = ?, version = version + 1, last_updated = ? WHERE id = ?`,
      next.action,
      next.expression,
      next.description,
      next.enabled ? 1 : 0,
      next.ref,
      toJson(next.actionParameters ?? undefined),
      nowIso(),
      id,
    );
    if (position !== undefined && position !== rule.position) await this.moveRule(rule, position);
    await this.touchRuleset(rule.zoneId);
    this.ctx.record({ type: 'rule', id, zoneId: rule.zoneId, op: 'update' });
    return this.must(await this.getRule(id), 'rule', id);
  }

  async deleteRule(id: string): Promise<void> {
    const rule = this.must(await this.getRule(id), 'rule', id);
    await this.run(`rule ${id}`, 'DELETE FROM rules WHERE id = ?', id);
    await this.run(
      `rules of zone ${rule.zoneId}`,
      'UPDATE rules SET position = position - 1 WHERE zone_id = ? AND position > ?',
      rule.zoneId,
      rule.position,
    );
    await this.touchRuleset(rule.zoneId);
    this.ctx.record({ type: 'rule', id, zoneId: rule.zoneId, op: 'delete' });
  }

  async replaceRules(
    zoneId: string,
    rules: Omit<NewRule, 'zoneId' | 'position'>[],
  ): Promise<Rule[]> {
    const before = new Map((await this.listRules(zoneId)).map((r) => [r.id, r]));
    await this.run(`rules of zone ${zoneId}`, 'DELETE FROM rules WHERE zone_id = ?', zoneId);
    for (const [position, input] of rules.entries()) {
      const id = input.id ?? newId();
      const old = before.get(id);
      const changed = !old || !sameRule(old, input);
      const version = old ? old.version + (changed ? 1 : 0) : 1;
      const kept = { ...input, filterId: input.filterId ?? old?.filterId };
      const lastUpdated = changed ? nowIso() : old.lastUpdated;
      await this.insertRule(id, zoneId, position, kept, version, lastUpdated);
      before.delete(id);
      this.ctx.record({ type: 'rule', id, zoneId, op: old ? 'update' : 'create' });
    }
    for (const id of before.keys()) this.ctx.record({ type: 'rule', id, zoneId, op: 'delete' });
    await this.touchRuleset(zoneId);
    return this.listRules(zoneId);
  }

  async configVersion(): Promise<number> {
    return this.count(this.dialect.configVersion);
  }

  private async insertRule(
    id: string,
    zoneId: string,
    position: number,
    r: Omit<NewRule, 'zoneId' | 'position'>,
    version: number,
    lastUpdated = nowIso(),
  ): Promise<void> {
    await this.run(
      `rule ${id}`,
      `INSERT INTO rules (id, zone_id, position, action, expression, description, enabled, ref,
         action_parameters, version, last_updated, filter_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      id,
      zoneId,
      position,
      r.action,
      r.expression,
      r.description ?? '',
      r.enabled === false ? 0 : 1,
      r.ref ?? id,
      toJson(r.actionParameters ?? undefined),
      version,
      lastUpdated,
      r.filterId === undefined || r.filterId === id ? null : r.filterId,
    );
  }

  private async moveRule(rule: Rule, to: number): Promise<void> {
    const size = await this.count('SELECT COUNT(*) AS n FROM rules WHERE zone_id = ?', rule.zoneId);
    const target = clamp(to, 0, size - 1);
    const [shift, lo, hi] =
      target < rule.position ? [1, target, rule.position - 1] : [-1, rule.position + 1, target];
    await this.run(
      `rules of zone ${rule.zoneId}`,
      `UPDATE rules SET position = position + ? WHERE zone_id = ? AND position BETWEEN ? AND ?`,
      shift,
      rule.zoneId,
      lo,
      hi,
    );
    await this.run(
      `rule ${rule.id}`,
      'UPDATE rules SET position = ? WHERE id = ?',
      target,
      rule.id,
    );
  }
}
