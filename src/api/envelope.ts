/** One entry of `errors` or `messages` in Cloudflare's envelope. */
export interface EnvelopeMessage {
  code: number;
  message: string;
  documentation_url?: string;
  source?: { pointer?: string };
}

/** Paging facts of a list answer, as Cloudflare's v4 API writes them. */
export interface ResultInfo {
  page?: number;
  per_page?: number;
  count: number;
  total_count?: number;
  total_pages?: number;
  cursor?: string;
}

/** Cloudflare's v4 envelope: every answer of `/client/v4`, errors included, has this shape. */
export interface Envelope<T> {
  success: boolean;
  errors: EnvelopeMessage[];
  messages: EnvelopeMessage[];
  result: T | null;
  result_info?: ResultInfo;
}

export function success<T>(result: T, resultInfo?: ResultInfo): Envelope<T> {
  const body: Envelope<T> = { success: true, errors: [], messages: [], result };
  if (resultInfo) body.result_info = resultInfo;
  return body;
}

export function failure(errors: EnvelopeMessage[]): Envelope<null> {
  return { success: false, errors, messages: [], result: null };
}

/** `result_info` for a one-based page of `perPage` items out of `total`. */
export function pageInfo(page: number, perPage: number, count: number, total: number): ResultInfo {
  return {
    page,
    per_page: perPage,
    count,
    total_count: total,
    total_pages: Math.ceil(total / perPage),
  };
}
