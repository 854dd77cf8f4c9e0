/**
 * The PKI error catalogue. Every failure the library reports is a {@link PkiError} whose
 * `code` is one of these stable strings; the API maps them to Cloudflare-style `errors`
 * entries with the suggested HTTP status. Codes are never reused for a different meaning.
 *
 * Messages read "doing x: cause", lowercase. They may name a certificate by serial or
 * fingerprint, but never contain a key, a password or a whole PEM.
 */
export const PKI_ERROR_CATALOGUE = {
  PORTCULLIS_ERR_PKI_NOT_PEM: {
    message: 'reading {what}: the input is not PEM (expected a -----BEGIN {label}----- block)',
    status: 400,
  },
  PORTCULLIS_ERR_PKI_WRONG_PEM_TYPE: {
    message: 'reading {what}: expected a PEM {label} block, got {actual}',
    status: 400,
  },
  PORTCULLIS_ERR_PKI_INPUT_TOO_LARGE: {
    message: 'reading {what}: the input is {got} characters long, over the limit of {max}',
    status: 400,
  },
  PORTCULLIS_ERR_PKI_MALFORMED: {
    message: 'reading {what}: the DER structure is malformed: {cause}',
    status: 400,
  },
  PORTCULLIS_ERR_PKI_BAD_SIGNATURE: {
    message: 'verifying {what}: the signature does not verify',
    status: 400,
  },
  PORTCULLIS_ERR_PKI_WEAK_KEY: {
    message: 'checking the public key of {what}: {cause}',
    status: 400,
  },
  PORTCULLIS_ERR_PKI_UNSUPPORTED_KEY: {
    message: 'checking the public key of {what}: {cause}',
    status: 400,
  },
  PORTCULLIS_ERR_PKI_UNSUPPORTED_ALGORITHM: {
    message: 'choosing a key algorithm: {cause}',
    status: 400,
  },
  PORTCULLIS_ERR_PKI_INVALID_SUBJECT: {
    message: 'building a subject name: {cause}',
    status: 400,
  },
  PORTCULLIS_ERR_PKI_VALIDITY_OUT_OF_RANGE: {
    message:
      'issuing a certificate: validity_days must be an integer from {min} to {max}, got {got}',
    status: 400,
  },
  PORTCULLIS_ERR_PKI_NOT_A_CA: {
    message:
      'checking certificate {serial}: it is not a CA certificate (basicConstraints cA is not set)',
    status: 400,
  },
  PORTCULLIS_ERR_PKI_CERTIFICATE_EXPIRED: {
    message: 'checking certificate {serial}: it expired on {notAfter}',
    status: 400,
  },
  PORTCULLIS_ERR_PKI_CERTIFICATE_NOT_YET_VALID: {
    message: 'checking certificate {serial}: it is not valid before {notBefore}',
    status: 400,
  },
  PORTCULLIS_ERR_PKI_CA_KEY_MISMATCH: {
    message: 'signing with CA {serial}: the private key does not belong to the CA certificate',
    status: 400,
  },
  PORTCULLIS_ERR_PKI_CRL_NOT_SIGNED_BY_CA: {
    message: 'verifying a CRL against CA {serial}: {cause}',
    status: 400,
  },
  PORTCULLIS_ERR_PKI_CRL_NUMBER: {
    message: 'building a CRL: the CRL number must be a non-negative integer below 2^159, got {got}',
    status: 400,
  },
  PORTCULLIS_ERR_PKI_INVALID_SERIAL: {
    message: 'reading a serial number: {cause}',
    status: 400,
  },
  PORTCULLIS_ERR_PKI_MASTER_KEY: {
    message: 'using the master key: it must be 32 bytes, got {got}',
    status: 400,
  },
  PORTCULLIS_ERR_PKI_SEALED_KEY_FORMAT: {
    message: 'opening a sealed private key: {cause}',
    status: 400,
  },
  PORTCULLIS_ERR_PKI_SEALED_KEY_AUTH: {
    message:
      'opening a sealed private key: authentication failed (wrong master key or the sealed data was altered)',
    status: 400,
  },
  PORTCULLIS_ERR_PKI_PKCS12_PASSWORD: {
    message: 'building a PKCS#12 bundle: {cause}',
    status: 400,
  },
  PORTCULLIS_ERR_PKI_INVALID_ARGUMENT: {
    message: '{doing}: {cause}',
    status: 400,
  },
} as const satisfies Record<string, { message: string; status: number }>;

/** A stable PKI error code, e.g. `PORTCULLIS_ERR_PKI_NOT_PEM`. */
export type PkiErrorCode = keyof typeof PKI_ERROR_CATALOGUE;

/** Values substituted into a catalogue message template. */
export type PkiErrorParams = Readonly<Record<string, string | number>>;

/**
 * The only error type the PKI library throws on bad input. `code` is stable, `status` is the
 * suggested HTTP status, `params` holds the values substituted into the message.
 */
export class PkiError extends Error {
  override readonly name = 'PkiError';
  readonly code: PkiErrorCode;
  readonly status: number;
  readonly params: PkiErrorParams;

  constructor(code: PkiErrorCode, params: PkiErrorParams = {}, options?: { cause?: unknown }) {
    super(formatMessage(PKI_ERROR_CATALOGUE[code].message, params), options);
    this.code = code;
    this.status = PKI_ERROR_CATALOGUE[code].status;
    this.params = params;
  }
}

/** True when `err` is a {@link PkiError}, optionally with the given code. */
export function isPkiError(err: unknown, code?: PkiErrorCode): err is PkiError {
  return err instanceof PkiError && (code === undefined || err.code === code);
}

function formatMessage(template: string, params: PkiErrorParams): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) =>
    key in params ? String(params[key]) : whole,
  );
}

/**
 * Describes a thrown value for a `{cause}` slot without risking key material: only the
 * message of an Error, cut short, never its data.
 */
export function describeCause(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const firstLine = text.split('\n', 1)[0] ?? '';
  return (firstLine.length > 120 ? `${firstLine.slice(0, 117)}...` : firstLine).toLowerCase();
}
