// The PKI library: keys, CSRs, the managed CA, issuing, revocation lists, PKCS#12 bundles,
// key sealing and the reading of client certificates into rule fields. No I/O.
export * from './errors.ts';
export * from './pem.ts';
export * from './keys.ts';
export * from './serial.ts';
export * from './distinguished-name.ts';
export * from './csr.ts';
export * from './certificate-metadata.ts';
export * from './certificate-authority.ts';
export * from './issuer.ts';
export * from './revocation-list.ts';
export * from './pkcs12.ts';
export * from './key-sealing.ts';
export * from './client-certificate.ts';
export * from './tls-client-auth-fields.ts';
export type { CryptoKey, CryptoKeyPair } from './webcrypto.ts';
