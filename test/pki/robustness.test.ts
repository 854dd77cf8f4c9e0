// Whatever bytes arrive, the PKI library answers with a value or a catalogued PkiError, never
// with another exception: the edge reads certificates from the network, the API reads
// uploads from users.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import fc from 'fast-check';
import {
  createManagedCa,
  fieldsFor,
  generateKeyAndCsr,
  issueClientCertificate,
  openPrivateKey,
  parseCrl,
  parseCsr,
  PkiError,
  readClientCertificate,
  validateUploadedCa,
  buildCrl,
  type CreatedCa,
} from '../../src/pki/index.ts';

let ca: CreatedCa;
let leaf: Uint8Array;
let csrDer: Uint8Array;
let crlDer: Uint8Array;

before(async () => {
  ca = await createManagedCa({ accountId: 'fuzz' });
  const generated = await generateKeyAndCsr({ commonName: 'fuzz device', organization: 'P' });
  const authority = { certificateDer: ca.certificateDer, privateKey: ca.keys.privateKey };
  leaf = (await issueClientCertificate({ csr: generated.csr, authority, validityDays: 5 }))
    .certificateDer;
  csrDer = generated.csr.der;
  crlDer = (await buildCrl({ authority, entries: [], crlNumber: 1 })).der;
});

/** Random edits of a valid encoding: flipped bytes, truncation, insertions. */
function mutated(original: () => Uint8Array) {
  return fc
    .array(
      fc.record({
        at: fc.nat(),
        kind: fc.constantFrom('flip', 'truncate', 'insert'),
        byte: fc.integer({ min: 0, max: 255 }),
      }),
      { minLength: 1, maxLength: 4 },
    )
    .map((edits) => {
      let bytes = Array.from(original());
      for (const { at, kind, byte } of edits) {
        const i = at % Math.max(1, bytes.length);
        if (kind === 'flip') bytes[i] = (bytes[i] ?? 0) ^ (byte || 1);
        else if (kind === 'truncate') bytes = bytes.slice(0, i);
        else bytes.splice(i, 0, byte);
      }
      return Uint8Array.from(bytes);
    });
}

const pem = (der: Uint8Array, label: string) =>
  `-----BEGIN ${label}-----\n${Buffer.from(der).toString('base64')}\n-----END ${label}-----\n`;

function onlyPkiErrors(run: () => unknown): void {
  try {
    run();
  } catch (err) {
    assert.ok(err instanceof PkiError, `unexpected ${String(err)}`);
  }
}

async function onlyPkiErrorsAsync(run: () => Promise<unknown>): Promise<void> {
  try {
    await run();
  } catch (err) {
    assert.ok(err instanceof PkiError, `unexpected ${String(err)}`);
  }
}

describe('robustness', () => {
  test('reading a damaged client certificate gives every field or a PkiError', () => {
    fc.assert(
      fc.property(
        mutated(() => leaf),
        fc.boolean(),
        (der, withIssuer) => {
          onlyPkiErrors(() => {
            const cert = readClientCertificate(
              der,
              [der],
              withIssuer ? ca.certificateDer : undefined,
            );
            const fields = fieldsFor(cert, { presented: true, verified: true, revoked: false });
            assert.equal(Object.keys(fields).length, 21);
          });
        },
      ),
      { numRuns: 400 },
    );
  });

  test('arbitrary bytes as a certificate give a PkiError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (der) => {
        onlyPkiErrors(() => readClientCertificate(der));
      }),
      { numRuns: 300 },
    );
  });

  test('damaged CSRs, CA bundles and CRLs give PkiErrors', async () => {
    await fc.assert(
      fc.asyncProperty(
        mutated(() => csrDer),
        mutated(() => ca.certificateDer),
        mutated(() => crlDer),
        async (csr, caDer, crl) => {
          await onlyPkiErrorsAsync(() => parseCsr(pem(csr, 'CERTIFICATE REQUEST')));
          onlyPkiErrors(() => validateUploadedCa(pem(caDer, 'CERTIFICATE')));
          await onlyPkiErrorsAsync(() => parseCrl(crl, ca.certificateDer));
        },
      ),
      { numRuns: 400 },
    );
  });

  test('arbitrary blobs and keys as sealed keys give PkiErrors', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 200 }),
        fc.uint8Array({ minLength: 30, maxLength: 34 }),
        (blob, key) => {
          onlyPkiErrors(() => openPrivateKey(blob, key));
        },
      ),
      { numRuns: 200 },
    );
  });
});
