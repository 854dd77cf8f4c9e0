/**
 * The dashboard's only way to the control plane: `/client/v4` with the signed-in token,
 * Cloudflare's envelope unwrapped, and every failure turned into an {@link ApiError} whose
 * message can be shown to the operator as it is.
 */

/** The prefix of every API path. */
export const API_BASE = '/client/v4';

const TOKEN_KEY = 'portcullis.token';

/** One entry of the envelope's `errors`, with the expression span that 1009 errors carry. */
export interface ApiMessage {
  code: number;
  message: string;
  source?: { pointer?: string };
  line?: number;
  column?: number;
  length?: number;
  kind?: string;
}

/** Paging facts of a list answer: page numbers for most lists, a cursor for events. */
export interface ResultInfo {
  page?: number;
  per_page?: number;
  count: number;
  total_count?: number;
  total_pages?: number;
  cursor?: string;
  cursors?: { after?: string };
}

interface Envelope<T> {
  success: boolean;
  errors: ApiMessage[];
  messages: ApiMessage[];
  result: T;
  result_info?: ResultInfo;
}

/** A failed call: the HTTP status, the API's errors, and a message made of them. */
export class ApiError extends Error {
  readonly status: number;
  readonly errors: ApiMessage[];

  constructor(status: number, errors: ApiMessage[], fallback: string) {
    const text = errors.length
      ? errors.map((e) => `${e.message} (code ${e.code})`).join('; ')
      : fallback;
    super(text);
    this.name = 'ApiError';
    this.status = status;
    this.errors = errors;
  }

  /** The code of the first error, if the API gave one. */
  get code(): number | undefined {
    return this.errors[0]?.code;
  }
}

/** The token of this browser tab, if signed in. It never leaves sessionStorage. */
export function getToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(token: string): void {
  sessionStorage.setItem(TOKEN_KEY, token);
}

export function clearToken(): void {
  sessionStorage.removeItem(TOKEN_KEY);
}

/** Listeners told when the API refuses the token, so the app can return to sign-in. */
const unauthorizedListeners = new Set<() => void>();

export function onUnauthorized(listener: () => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

type Query = Record<string, string | number | boolean | undefined | null>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  signal?: AbortSignal;
  /** A token to use instead of the stored one (sign-in checks a token before storing it). */
  token?: string;
}

/** A list page: the items and the paging facts. */
export interface Page<T> {
  items: T[];
  info: ResultInfo;
}

function url(path: string, query?: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const qs = params.toString();
  return `${API_BASE}${path}${qs ? `?${qs}` : ''}`;
}

async function send<T>(method: string, path: string, options: RequestOptions = {}) {
  const token = options.token ?? getToken();
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';

  let response: Response;
  try {
    response = await fetch(url(path, options.query), {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, [], `cannot reach the Portcullis API: ${(err as Error).message}`);
  }
  if (response.status === 204) return { result: null as T, info: undefined };

  let envelope: Envelope<T> | undefined;
  try {
    envelope = (await response.json()) as Envelope<T>;
  } catch {
    envelope = undefined;
  }
  if (!response.ok || !envelope || !envelope.success) {
    const errors = envelope?.errors ?? [];
    if (response.status === 401 && !options.token) {
      for (const listener of unauthorizedListeners) listener();
    }
    throw new ApiError(response.status, errors, `${method} ${path}: HTTP ${response.status}`);
  }
  return { result: envelope.result, info: envelope.result_info };
}

/** The typed calls. Paths are relative to `/client/v4`. */
export const api = {
  async get<T>(path: string, options?: RequestOptions): Promise<T> {
    return (await send<T>('GET', path, options)).result;
  },
  async page<T>(path: string, options?: RequestOptions): Promise<Page<T>> {
    const { result, info } = await send<T[]>('GET', path, options);
    return { items: result ?? [], info: info ?? { count: result?.length ?? 0 } };
  },
  async post<T>(path: string, body?: unknown, options?: RequestOptions): Promise<T> {
    return (await send<T>('POST', path, { ...options, body: body ?? {} })).result;
  },
  async put<T>(path: string, body?: unknown, options?: RequestOptions): Promise<T> {
    return (await send<T>('PUT', path, { ...options, body: body ?? {} })).result;
  },
  async patch<T>(path: string, body?: unknown, options?: RequestOptions): Promise<T> {
    return (await send<T>('PATCH', path, { ...options, body: body ?? {} })).result;
  },
  async delete<T>(path: string, options?: RequestOptions): Promise<T> {
    return (await send<T>('DELETE', path, options)).result;
  },
};

/**
 * Every item of a page-numbered list, page after page (at most `limit` items): for small
 * lists the dashboard needs whole, such as the hosts of a zone or the zones of a picker.
 */
export async function fetchAll<T>(path: string, query: Query = {}, limit = 1000): Promise<T[]> {
  const items: T[] = [];
  for (let page = 1; items.length < limit; page++) {
    const { items: batch, info } = await api.page<T>(path, {
      query: { ...query, page, per_page: 50 },
    });
    items.push(...batch);
    if (batch.length === 0 || page >= (info.total_pages ?? page)) break;
  }
  return items;
}

/** A readable message for anything thrown by a call. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
