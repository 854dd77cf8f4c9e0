import { newId, nowIso } from '../ids.ts';
import type { ListItemQuery, NewList, NewListItem } from '../store.ts';
import type { ListItem, ListOperation, Page, RuleList } from '../types.ts';
import { RulesetData } from './ruleset-data.ts';
import { limits } from '../records.ts';

const LIST_SELECT = `SELECT l.*,
  (SELECT COUNT(*) FROM list_items i WHERE i.list_id = l.id) AS num_items
  FROM lists l`;

/**
 * Named lists and their items. Lists are edge configuration (expressions read them), so every
 * change is recorded and bumps the configuration version.
 */
export abstract class ListData extends RulesetData {
  async createList(input: NewList): Promise<RuleList> {
    const id = input.id ?? newId();
    const now = nowIso();
    await this.run(
      `list ${input.name}`,
      `INSERT INTO lists (id, account_id, name, kind, description, created_on, modified_on)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
      id,
      input.accountId,
      input.name,
      input.kind,
      input.description ?? '',
      now,
      now,
    );
    this.ctx.record({ type: 'list', id, op: 'create' });
    return this.must(await this.getList(id), 'list', id);
  }

  async getList(id: string): Promise<RuleList | undefined> {
    const row = await this.get(`${LIST_SELECT} WHERE l.id = ?`, id);
    return row && this.rows.toList(row);
  }

  async getListByName(accountId: string, name: string): Promise<RuleList | undefined> {
    const row = await this.get(
      `${LIST_SELECT} WHERE l.account_id = ? AND l.name = ?`,
      accountId,
      name,
    );
    return row && this.rows.toList(row);
  }

  async listLists(accountId: string): Promise<RuleList[]> {
    const rows = await this.all(`${LIST_SELECT} WHERE l.account_id = ? ORDER BY l.name`, accountId);
    return rows.map(this.rows.toList);
  }

  async updateList(id: string, patch: { description?: string }): Promise<RuleList> {
    const list = this.must(await this.getList(id), 'list', id);
    await this.run(
      `list ${id}`,
      'UPDATE lists SET description = ?, modified_on = ? WHERE id = ?',
      patch.description ?? list.description,
      nowIso(),
      id,
    );
    this.ctx.record({ type: 'list', id, op: 'update' });
    return this.must(await this.getList(id), 'list', id);
  }

  async deleteList(id: string): Promise<void> {
    this.must(await this.getList(id), 'list', id);
    await this.run(`list ${id}`, 'DELETE FROM list_items WHERE list_id = ?', id);
    await this.run(`list ${id}`, 'DELETE FROM lists WHERE id = ?', id);
    this.ctx.record({ type: 'list', id, op: 'delete' });
  }

  async listListItems(listId: string, query?: ListItemQuery): Promise<Page<ListItem>> {
    const [limit, offset] = limits(query, 100);
    const search = `%${(query?.search ?? '').replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const where = `list_id = ? AND value ${this.dialect.likeCaseless} ? ESCAPE '\\'`;
    const rows = await this.all(
      `SELECT * FROM list_items WHERE ${where} ORDER BY seq LIMIT ? OFFSET ?`,
      listId,
      search,
      limit,
      offset,
    );
    const total = await this.count(
      `SELECT COUNT(*) AS n FROM list_items WHERE ${where}`,
      listId,
      search,
    );
    return { items: rows.map(this.rows.toListItem), total };
  }

  async listItemValues(listId: string): Promise<string[]> {
    const rows = await this.all(
      'SELECT value FROM list_items WHERE list_id = ? ORDER BY seq',
      listId,
    );
    return rows.map((r) => r.value as string);
  }

  async getListItem(listId: string, itemId: string): Promise<ListItem | undefined> {
    const row = await this.get(
      'SELECT * FROM list_items WHERE list_id = ? AND id = ?',
      listId,
      itemId,
    );
    return row && this.rows.toListItem(row);
  }

  async addListItems(listId: string, items: NewListItem[]): Promise<void> {
    this.must(await this.getList(listId), 'list', listId);
    const now = nowIso();
    let seq = await this.count(
      'SELECT COALESCE(MAX(seq), 0) AS n FROM list_items WHERE list_id = ?',
      listId,
    );
    for (const item of items) {
      await this.run(
        `items of list ${listId}`,
        `INSERT INTO list_items (id, list_id, value, comment, created_on, modified_on, seq)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (list_id, value) DO UPDATE SET comment = excluded.comment,
           modified_on = excluded.modified_on`,
        newId(),
        listId,
        item.value,
        item.comment ?? '',
        now,
        now,
        ++seq,
      );
    }
    await this.touchList(listId, now);
  }

  async replaceListItems(listId: string, items: NewListItem[]): Promise<void> {
    this.must(await this.getList(listId), 'list', listId);
    await this.run(`items of list ${listId}`, 'DELETE FROM list_items WHERE list_id = ?', listId);
    await this.addListItems(listId, items);
  }

  async deleteListItems(listId: string, itemIds: string[]): Promise<void> {
    this.must(await this.getList(listId), 'list', listId);
    for (const id of itemIds) {
      await this.run(
        `item ${id}`,
        'DELETE FROM list_items WHERE list_id = ? AND id = ?',
        listId,
        id,
      );
    }
    await this.touchList(listId, nowIso());
  }

  async createListOperation(input: Omit<ListOperation, 'id'>): Promise<ListOperation> {
    const id = newId();
    await this.run(
      `list operation ${id}`,
      `INSERT INTO list_operations (id, account_id, status, error, completed)
       VALUES (?, ?, ?, ?, ?)`,
      id,
      input.accountId,
      input.status,
      input.error,
      input.completed,
    );
    return this.must(await this.getListOperation(id), 'list operation', id);
  }

  async getListOperation(id: string): Promise<ListOperation | undefined> {
    const row = await this.get('SELECT * FROM list_operations WHERE id = ?', id);
    return row && this.rows.toListOperation(row);
  }

  private async touchList(listId: string, now: string): Promise<void> {
    await this.run(`list ${listId}`, 'UPDATE lists SET modified_on = ? WHERE id = ?', now, listId);
    this.ctx.record({ type: 'list', id: listId, op: 'update' });
  }
}
