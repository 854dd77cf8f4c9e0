import { newId, nowIso } from '../ids.ts';
import type { RulesetPatch } from '../store.ts';
import type { RulesetInfo } from '../types.ts';
import { FilterData } from './filter-data.ts';

/** The name Cloudflare gives a zone's entry-point ruleset when none is supplied. */
const DEFAULT_RULESET_NAME = 'default';

/**
 * A zone's custom-rules ruleset: its name, description and version. The rules themselves are
 * the zone's rule list; every change to that list bumps the version through
 * {@link RulesetData.touchRuleset}, so that both rule APIs show one history.
 */
export abstract class RulesetData extends FilterData {
  async getRuleset(zoneId: string): Promise<RulesetInfo | undefined> {
    const row = await this.get('SELECT * FROM rulesets WHERE zone_id = ?', zoneId);
    return row && this.rows.toRulesetInfo(row);
  }

  async getRulesetById(id: string): Promise<RulesetInfo | undefined> {
    const row = await this.get('SELECT * FROM rulesets WHERE id = ?', id);
    return row && this.rows.toRulesetInfo(row);
  }

  async saveRuleset(zoneId: string, patch: RulesetPatch): Promise<RulesetInfo> {
    const existing = await this.getRuleset(zoneId);
    const unchanged =
      (patch.name ?? existing?.name) === existing?.name &&
      (patch.description ?? existing?.description) === existing?.description;
    // Saving what is already there is not a new version.
    if (existing && unchanged) return existing;
    const current = await this.touchRuleset(zoneId);
    await this.run(
      `ruleset of zone ${zoneId}`,
      'UPDATE rulesets SET name = ?, description = ? WHERE zone_id = ?',
      patch.name ?? current.name,
      patch.description ?? current.description,
      zoneId,
    );
    this.ctx.record({ type: 'ruleset', id: current.id, zoneId, op: 'update' });
    return this.must(await this.getRuleset(zoneId), 'ruleset of zone', zoneId);
  }

  async deleteRuleset(zoneId: string): Promise<void> {
    const ruleset = this.must(await this.getRuleset(zoneId), 'ruleset of zone', zoneId);
    const rules = await this.all('SELECT id FROM rules WHERE zone_id = ?', zoneId);
    await this.run(`rules of zone ${zoneId}`, 'DELETE FROM rules WHERE zone_id = ?', zoneId);
    await this.run(`ruleset ${ruleset.id}`, 'DELETE FROM rulesets WHERE zone_id = ?', zoneId);
    for (const r of rules) {
      this.ctx.record({ type: 'rule', id: r.id as string, zoneId, op: 'delete' });
    }
    this.ctx.record({ type: 'ruleset', id: ruleset.id, zoneId, op: 'delete' });
  }

  /**
   * Creates the zone's ruleset if it has none, else bumps its version; called by every
   * change to the zone's rules, in the same transaction.
   */
  protected async touchRuleset(zoneId: string): Promise<RulesetInfo> {
    const now = nowIso();
    await this.run(
      `ruleset of zone ${zoneId}`,
      `INSERT INTO rulesets (zone_id, id, name, description, version, last_updated)
       VALUES (?, ?, ?, '', 1, ?)
       ON CONFLICT (zone_id) DO UPDATE
         SET version = rulesets.version + 1, last_updated = excluded.last_updated`,
      zoneId,
      newId(),
      DEFAULT_RULESET_NAME,
      now,
    );
    return this.rows.toRulesetInfo(
      (await this.get('SELECT * FROM rulesets WHERE zone_id = ?', zoneId))!,
    );
  }
}
