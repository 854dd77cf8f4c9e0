// Types for the few Node APIs that the bundled Rules engine names; see buffer.ts and
// node-crypto.ts for what stands in for them in the browser.
interface Buffer extends Uint8Array {
  toString(encoding?: string): string;
}

declare const Buffer: {
  from(data: string, encoding?: string): Buffer;
  byteLength(text: string, encoding?: string): number;
};

declare module 'node:crypto' {
  export function createHmac(
    algorithm: string,
    key: string,
  ): { update(data: string): { digest(): Buffer } };
  export function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean;
}
