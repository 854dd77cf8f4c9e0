/**
 * A presented client certificate read into the `cf.tls_client_auth.*` rule fields, in
 * Cloudflare's formats. It runs once per TLS connection on the edge, so every value is
 * computed on first use and cached; a rule that reads only `cert_serial` never formats a DN.
 */
import { createHash } from 'node:crypto';
import {
  type CertificateParts,
  ExtensionOid,
  authorityKeyIdentifier,
  formatOpensslTime,
  formatSerial,
  readCertificateParts,
  subjectKeyIdentifier,
} from './certificate-fields.ts';
import { formatLegacy, formatRfc2253, type NameAttribute } from './distinguished-name.ts';
import { toHexUpper } from './hex.ts';

/** RFC 9440 leaf limit of `cf.tls_client_auth.cert_rfc9440`: 10 KiB of encoded value. */
export const RFC9440_CERT_LIMIT = 10 * 1024;

/** Limit of `cf.tls_client_auth.cert_chain_rfc9440`: 16 KiB of encoded value. */
export const RFC9440_CHAIN_LIMIT = 16 * 1024;

/**
 * An immutable, lazily formatted view of a client certificate. Build it with
 * {@link readClientCertificate}, which checks the structure; the getters only format (each
 * value once) and never throw. Values use the formats of Cloudflare's fields.
 */
export class ClientCertificate {
  /** The leaf certificate, DER. */
  readonly der: Uint8Array;
  /** The certificates the client sent after the leaf, DER, in the order sent. */
  readonly chain: readonly Uint8Array[];
  /** The direct issuer's certificate when known (trusted CA or found in the chain). */
  readonly issuerDer: Uint8Array | undefined;

  readonly #parts: CertificateParts;
  readonly #subject: readonly NameAttribute[];
  readonly #issuer: readonly NameAttribute[];
  readonly #issuerParts: CertificateParts | undefined;
  readonly #cache = new Map<string, string>();

  /** @internal use {@link readClientCertificate}, which checks the structure first. */
  constructor(
    der: Uint8Array,
    chain: readonly Uint8Array[],
    issuerDer: Uint8Array | undefined,
    read: ReadStructure,
  ) {
    this.der = der;
    this.chain = Object.freeze([...chain]);
    this.issuerDer = issuerDer;
    this.#parts = read.parts;
    this.#subject = read.subject;
    this.#issuer = read.issuer;
    this.#issuerParts = read.issuerParts;
    Object.freeze(this);
  }

  /** The located parts of the leaf. */
  get parts(): CertificateParts {
    return this.#parts;
  }

  /** Subject DN, Cloudflare's default form (which is the RFC 2253 form). */
  get subjectDn(): string {
    return this.subjectDnRfc2253;
  }

  /** Issuer DN, Cloudflare's default form (which is the RFC 2253 form). */
  get issuerDn(): string {
    return this.issuerDnRfc2253;
  }

  /** Subject DN as `openssl x509 -nameopt RFC2253` prints it. */
  get subjectDnRfc2253(): string {
    return this.#memo('subject_rfc2253', () => formatRfc2253(this.#subject));
  }

  /** Issuer DN as `openssl x509 -nameopt RFC2253` prints it. */
  get issuerDnRfc2253(): string {
    return this.#memo('issuer_rfc2253', () => formatRfc2253(this.#issuer));
  }

  /** Subject DN in OpenSSL's oneline form, `/C=US/ST=Texas/CN=...`. */
  get subjectDnLegacy(): string {
    return this.#memo('subject_legacy', () => formatLegacy(this.#subject));
  }

  /** Issuer DN in OpenSSL's oneline form. */
  get issuerDnLegacy(): string {
    return this.#memo('issuer_legacy', () => formatLegacy(this.#issuer));
  }

  /** Serial number, uppercase hex without separators, as `openssl x509 -serial`. */
  get serial(): string {
    return this.#memo('serial', () => formatSerial(this.parts.serial));
  }

  /** The direct issuer's serial number, or "" when the issuer certificate is not known. */
  get issuerSerial(): string {
    return this.#memo('issuer_serial', () => {
      const issuer = this.#issuerParts;
      return issuer ? formatSerial(issuer.serial) : '';
    });
  }

  /** SHA-256 of the DER, lowercase hex. */
  get fingerprintSha256(): string {
    return this.#memo('sha256', () => createHash('sha256').update(this.der).digest('hex'));
  }

  /** SHA-1 of the DER, lowercase hex. */
  get fingerprintSha1(): string {
    return this.#memo('sha1', () => createHash('sha1').update(this.der).digest('hex'));
  }

  /** notBefore as OpenSSL prints it: `Mar 21 13:35:00 2022 GMT`. */
  get notBefore(): string {
    return this.#memo('not_before', () => formatOpensslTime(this.parts.notBefore));
  }

  /** notAfter as OpenSSL prints it. */
  get notAfter(): string {
    return this.#memo('not_after', () => formatOpensslTime(this.parts.notAfter));
  }

  /** Subject Key Identifier, uppercase hex, or "" when the extension is absent. */
  get ski(): string {
    return this.#memo('ski', () => {
      const id = keyIdentifier(this.#parts, ExtensionOid.SUBJECT_KEY_IDENTIFIER);
      return id ? toHexUpper(id) : '';
    });
  }

  /**
   * The issuer's Subject Key Identifier, uppercase hex: taken from the issuer certificate
   * when known, otherwise from the leaf's Authority Key Identifier, which names the same key
   * (RFC 5280 §4.2.1.1); "" when neither is present.
   */
  get issuerSki(): string {
    return this.#memo('issuer_ski', () => {
      const fromIssuer = this.#issuerParts
        ? keyIdentifier(this.#issuerParts, ExtensionOid.SUBJECT_KEY_IDENTIFIER)
        : undefined;
      const id = fromIssuer ?? keyIdentifier(this.#parts, ExtensionOid.AUTHORITY_KEY_IDENTIFIER);
      return id ? toHexUpper(id) : '';
    });
  }

  /** The leaf as an RFC 9440 §2.1 `Client-Cert` value, `:base64:`; "" when too large. */
  get rfc9440(): string {
    return this.#memo('rfc9440', () => {
      const value = byteSequence(this.der);
      return value.length > RFC9440_CERT_LIMIT ? '' : value;
    });
  }

  /** True when the encoded leaf exceeds {@link RFC9440_CERT_LIMIT}. */
  get rfc9440TooLarge(): boolean {
    return byteSequenceLength(this.der.length) > RFC9440_CERT_LIMIT;
  }

  /**
   * The chain as an RFC 9440 §2.2 `Client-Cert-Chain` list, in the order the client sent it
   * and unvalidated; "" when there is none or it is too large.
   */
  get chainRfc9440(): string {
    return this.#memo('chain_rfc9440', () => {
      const value = this.chain.map(byteSequence).join(', ');
      return value.length > RFC9440_CHAIN_LIMIT ? '' : value;
    });
  }

  /** True when the encoded chain exceeds {@link RFC9440_CHAIN_LIMIT}. */
  get chainRfc9440TooLarge(): boolean {
    const separators = Math.max(0, this.chain.length - 1) * 2;
    const total = this.chain.reduce((n, c) => n + byteSequenceLength(c.length), separators);
    return total > RFC9440_CHAIN_LIMIT;
  }

  #memo(key: string, compute: () => string): string {
    let value = this.#cache.get(key);
    if (value === undefined) {
      value = compute();
      this.#cache.set(key, value);
    }
    return value;
  }
}

/** What {@link readClientCertificate} checks and locates before any value is formatted. */
interface ReadStructure {
  readonly parts: CertificateParts;
  readonly subject: readonly NameAttribute[];
  readonly issuer: readonly NameAttribute[];
  readonly issuerParts: CertificateParts | undefined;
}

/**
 * Reads a client certificate for the rule fields.
 *
 * @param leafDer - the certificate the client presented, DER.
 * @param chainDers - the other certificates the client sent, in order (for
 *   `cert_chain_rfc9440`); the issuer is looked for among them when `issuerDer` is absent.
 * @param issuerDer - the direct issuer's certificate, usually the trusted CA that verified
 *   the leaf; gives `cert_issuer_serial` and `cert_issuer_ski`.
 * @throws PkiError `PORTCULLIS_ERR_PKI_MALFORMED` when the leaf is not a certificate.
 *
 * @example
 * const cert = readClientCertificate(socket.getPeerX509Certificate().raw);
 * cert.subjectDn; // "CN=device-17,O=Example,C=US"
 */
export function readClientCertificate(
  leafDer: Uint8Array,
  chainDers: readonly Uint8Array[] = [],
  issuerDer?: Uint8Array,
): ClientCertificate {
  // Copies, so that a caller reusing its buffers cannot change values computed later.
  const leaf = new Uint8Array(leafDer);
  const chain = chainDers.map((der) => new Uint8Array(der));
  // Everything that can be malformed is read now, so that the getters (called while rules
  // run) only format and never throw.
  const parts = readCertificateParts(leaf);
  const issuerDerCopy = issuerDer ? new Uint8Array(issuerDer) : findIssuer(parts, chain);
  const issuerParts = issuerDerCopy ? readCertificateParts(issuerDerCopy) : undefined;
  return new ClientCertificate(leaf, chain, issuerDerCopy, {
    parts,
    subject: parts.subjectName,
    issuer: parts.issuerName,
    issuerParts,
  });
}

function keyIdentifier(parts: CertificateParts, extension: string): Uint8Array | undefined {
  const value = parts.extensions.get(extension);
  return extension === ExtensionOid.SUBJECT_KEY_IDENTIFIER
    ? subjectKeyIdentifier(value)
    : authorityKeyIdentifier(value);
}

function findIssuer(leaf: CertificateParts, chain: readonly Uint8Array[]): Uint8Array | undefined {
  for (const der of chain) {
    try {
      if (Buffer.from(readCertificateParts(der).subject).equals(leaf.issuer)) return der;
    } catch {
      // A malformed chain entry still goes into cert_chain_rfc9440 as sent; it just cannot
      // be the issuer.
    }
  }
  return undefined;
}

function byteSequence(der: Uint8Array): string {
  return `:${Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('base64')}:`;
}

function byteSequenceLength(derLength: number): number {
  return 4 * Math.ceil(derLength / 3) + 2;
}
