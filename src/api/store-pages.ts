import type { Page } from '../store/index.ts';

/**
 * Every item of a paged store query, fetching page after page until an empty one.
 *
 * @example for await (const zone of everyItem((page) => tx.listZones({ page, perPage: 500 })))
 */
export async function* everyItem<T>(fetch: (page: number) => Promise<Page<T>>): AsyncGenerator<T> {
  for (let page = 1; ; page++) {
    const { items } = await fetch(page);
    if (items.length === 0) return;
    yield* items;
  }
}
