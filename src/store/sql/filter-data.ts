import { newId, nowIso } from '../ids.ts';
import type { FilterPatch, NewFilter } from '../store.ts';
import type { Filter } from '../types.ts';
import { Statements } from './statements.ts';

/**
 * Filters of the legacy Filters API that no rule uses. They are not edge configuration, so
 * their changes do not bump the configuration version.
 */
export abstract class FilterData extends Statements {
  async createFilter(input: NewFilter): Promise<Filter> {
    const id = input.id ?? newId();
    const seq = await this.count(
      'SELECT COALESCE(MAX(seq), 0) + 1 AS n FROM filters WHERE zone_id = ?',
      input.zoneId,
    );
    await this.run(
      `filter ${id}`,
      `INSERT INTO filters (id, zone_id, expression, description, paused, ref, created_on, seq)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      id,
      input.zoneId,
      input.expression,
      input.description ?? '',
      input.paused ? 1 : 0,
      input.ref ?? '',
      nowIso(),
      seq,
    );
    return this.must(await this.getFilter(id), 'filter', id);
  }

  async getFilter(id: string): Promise<Filter | undefined> {
    const row = await this.get('SELECT * FROM filters WHERE id = ?', id);
    return row && this.rows.toFilter(row);
  }

  async listFilters(zoneId: string): Promise<Filter[]> {
    return (await this.all('SELECT * FROM filters WHERE zone_id = ? ORDER BY seq', zoneId)).map(
      this.rows.toFilter,
    );
  }

  async updateFilter(id: string, patch: FilterPatch): Promise<Filter> {
    const filter = this.must(await this.getFilter(id), 'filter', id);
    const next = { ...filter, ...patch };
    await this.run(
      `filter ${id}`,
      'UPDATE filters SET expression = ?, description = ?, paused = ?, ref = ? WHERE id = ?',
      next.expression,
      next.description,
      next.paused ? 1 : 0,
      next.ref,
      id,
    );
    return this.must(await this.getFilter(id), 'filter', id);
  }

  async deleteFilter(id: string): Promise<void> {
    const n = await this.run(`filter ${id}`, 'DELETE FROM filters WHERE id = ?', id);
    if (n === 0) this.must(undefined, 'filter', id);
  }
}
