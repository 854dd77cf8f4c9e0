import type { EnvelopeMessage } from './envelope.ts';

/**
 * The catalogue of API errors: a stable numeric code in Cloudflare's style (≥ 1000), the HTTP
 * status that goes with it, and what it means. Codes are never reused; `docs/errors.md` has a
 * section per code, and a test keeps the two in step.
 */
export const API_ERRORS = {
  invalidToken: { code: 1000, status: 401, title: 'Invalid API token' },
  missingToken: { code: 1001, status: 401, title: 'Missing API token' },
  forbidden: { code: 1002, status: 403, title: 'Not allowed for this token' },
  notFound: { code: 1003, status: 404, title: 'Not found' },
  conflict: { code: 1004, status: 409, title: 'Conflict' },
  invalidRequest: { code: 1005, status: 400, title: 'Invalid request' },
  malformedJson: { code: 1006, status: 400, title: 'Malformed JSON body' },
  unsupportedMediaType: { code: 1007, status: 415, title: 'Unsupported content type' },
  bodyTooLarge: { code: 1008, status: 413, title: 'Request body too large' },
  invalidExpression: { code: 1009, status: 400, title: 'Invalid expression' },
  unsupportedValue: { code: 1010, status: 400, title: 'Unsupported value' },
  noRoute: { code: 7000, status: 404, title: 'No route for that URI' },
  internal: { code: 1100, status: 500, title: 'Internal error' },
  storeUnavailable: { code: 1101, status: 503, title: 'Database unavailable' },
  invalidCertificate: { code: 1450, status: 400, title: 'Invalid certificate data' },
} as const satisfies Record<string, { code: number; status: number; title: string }>;

export type ApiErrorName = keyof typeof API_ERRORS;

/** An error the API answers with: the catalogue entry, a message with the details, a pointer. */
export class ApiError extends Error {
  readonly code: number;
  readonly status: number;
  readonly pointer: string | undefined;

  constructor(
    name: ApiErrorName,
    message: string,
    options?: { pointer?: string; cause?: unknown },
  ) {
    super(message, { cause: options?.cause });
    this.name = 'ApiError';
    this.code = API_ERRORS[name].code;
    this.status = API_ERRORS[name].status;
    this.pointer = options?.pointer;
  }

  toMessage(): EnvelopeMessage {
    const m: EnvelopeMessage = { code: this.code, message: this.message };
    if (this.pointer !== undefined) m.source = { pointer: this.pointer };
    return m;
  }
}
