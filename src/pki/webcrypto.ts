/**
 * The one place that wires @peculiar/x509 to node's WebCrypto. Every PKI module that uses
 * x509 imports it from here, so the provider is set before the first certificate is built.
 */
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

/** Node's WebCrypto implementation. */
export const nodeWebCrypto = webcrypto;

/** A WebCrypto key, as node types it. */
export type CryptoKey = webcrypto.CryptoKey;

/** A WebCrypto key pair, as node types it. */
export type CryptoKeyPair = webcrypto.CryptoKeyPair;

// node types its WebCrypto apart from the DOM `Crypto` that x509 declares; they are the same API.
x509.cryptoProvider.set(webcrypto as never);

export { x509 };
