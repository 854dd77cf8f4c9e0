/** Stable codes of the errors the store raises; the API maps them to HTTP answers. */
export const StoreErrorCode = {
  /** The record does not exist. */
  NotFound: 'PORTCULLIS_ERR_STORE_NOT_FOUND',
  /** The change conflicts with what is stored: a duplicate name, a record still in use. */
  Conflict: 'PORTCULLIS_ERR_STORE_CONFLICT',
  /** The database was written by a newer Portcullis than this one. */
  SchemaNewer: 'PORTCULLIS_ERR_STORE_SCHEMA_NEWER',
  /** A query argument is malformed, e.g. a cursor this store did not hand out. */
  Invalid: 'PORTCULLIS_ERR_STORE_INVALID',
  /** The database cannot be opened or used: unreadable, locked, corrupt. */
  Unavailable: 'PORTCULLIS_ERR_STORE_UNAVAILABLE',
} as const;

export type StoreErrorCode = (typeof StoreErrorCode)[keyof typeof StoreErrorCode];

export class StoreError extends Error {
  readonly code: StoreErrorCode;

  constructor(code: StoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreError';
    this.code = code;
  }
}

/** Whether `err` says the database cannot be reached now, as opposed to refusing a change. */
export function isStoreUnavailable(err: unknown): boolean {
  return err instanceof StoreError && err.code === StoreErrorCode.Unavailable;
}

export function notFound(type: string, id: string): StoreError {
  return new StoreError(StoreErrorCode.NotFound, `${type} ${id} does not exist`);
}

export function conflict(message: string): StoreError {
  return new StoreError(StoreErrorCode.Conflict, message);
}
