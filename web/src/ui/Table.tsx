import type { ReactNode } from 'react';
import type { ResultInfo } from '../api/client.ts';
import { Button } from './Button.tsx';
import { Spinner } from './Spinner.tsx';

export interface Column<T> {
  header: ReactNode;
  render: (row: T) => ReactNode;
  className?: string;
}

/**
 * A data table with a caption (its accessible name), an empty state, a loading state and an
 * optional pagination bar under it.
 */
export function Table<T>(props: {
  caption: string;
  /** Hides the caption visually but keeps it for screen readers. */
  hideCaption?: boolean;
  columns: Column<T>[];
  rows: T[];
  rowKey: (row: T) => string;
  loading?: boolean;
  empty?: ReactNode;
  pagination?: ReactNode;
  onRowClick?: (row: T) => void;
  /** An extra class for a row, e.g. to grey out one that no longer counts. */
  rowClassName?: (row: T) => string | undefined;
}) {
  return (
    <div className="table-wrap">
      <table className="table">
        <caption className={props.hideCaption ? 'visually-hidden' : undefined}>
          {props.caption}
        </caption>
        <thead>
          <tr>
            {props.columns.map((c, i) => (
              <th key={i} scope="col" className={c.className}>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((row) => (
            <tr
              key={props.rowKey(row)}
              className={
                [props.onRowClick ? 'row-clickable' : '', props.rowClassName?.(row) ?? '']
                  .filter(Boolean)
                  .join(' ') || undefined
              }
              onClick={props.onRowClick ? () => props.onRowClick?.(row) : undefined}
            >
              {props.columns.map((c, i) => (
                <td key={i} className={c.className}>
                  {c.render(row)}
                </td>
              ))}
            </tr>
          ))}
          {props.rows.length === 0 ? (
            <tr>
              <td colSpan={props.columns.length} className="table-empty">
                {props.loading ? (
                  <Spinner label="Loading…" />
                ) : (
                  (props.empty ?? 'Nothing here yet.')
                )}
              </td>
            </tr>
          ) : null}
        </tbody>
      </table>
      {props.pagination}
    </div>
  );
}

/** Previous / Next by page number, for lists with `result_info.total_pages`. */
export function Pagination(props: {
  page: number;
  totalPages: number;
  totalCount?: number;
  onPage: (page: number) => void;
  busy?: boolean;
}) {
  const { page, totalPages } = props;
  return (
    <nav className="pagination" aria-label="Pagination">
      <span className="pagination-status" aria-live="polite">
        Page {page} of {Math.max(totalPages, 1)}
        {props.totalCount !== undefined ? ` · ${props.totalCount} total` : ''}
      </span>
      {props.busy ? <Spinner /> : null}
      <Button onClick={() => props.onPage(page - 1)} disabled={page <= 1 || props.busy}>
        Previous
      </Button>
      <Button onClick={() => props.onPage(page + 1)} disabled={page >= totalPages || props.busy}>
        Next
      </Button>
    </nav>
  );
}

/**
 * {@link Pagination} driven by a list answer's `result_info`; renders nothing until the answer
 * has come and while it fits on one page. `page` stands in for an answer without a page number.
 *
 * @example
 * <Table pagination={<PagesOf info={list.data?.info} page={page} onPage={setPage} />} … />
 */
export function PagesOf(props: {
  info: ResultInfo | undefined;
  page: number;
  onPage: (page: number) => void;
  busy?: boolean;
}) {
  const { info } = props;
  const totalPages = info?.total_pages ?? 1;
  if (!info || totalPages <= 1) return null;
  return (
    <Pagination
      page={info.page ?? props.page}
      totalPages={totalPages}
      totalCount={info.total_count}
      onPage={props.onPage}
      busy={props.busy}
    />
  );
}

/** Newer / Older by cursor, for lists that page with `result_info.cursor`. */
export function CursorPagination(props: {
  hasPrevious: boolean;
  hasNext: boolean;
  onPrevious: () => void;
  onNext: () => void;
  busy?: boolean;
  status?: ReactNode;
}) {
  return (
    <nav className="pagination" aria-label="Pagination">
      <span className="pagination-status" aria-live="polite">
        {props.status}
      </span>
      {props.busy ? <Spinner /> : null}
      <Button onClick={props.onPrevious} disabled={!props.hasPrevious || props.busy}>
        Previous
      </Button>
      <Button onClick={props.onNext} disabled={!props.hasNext || props.busy}>
        Next
      </Button>
    </nav>
  );
}
