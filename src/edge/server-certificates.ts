import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  certificateCovers,
  createEdgeCa,
  issueServerCertificate,
  type ServerCertificate,
} from '../pki/server-certificate.ts';
import {
  decodePem,
  encodePem,
  importPrivateKey,
  openPrivateKey,
  PemLabel,
  sealPrivateKey,
  type SigningAuthority,
} from '../pki/index.ts';
import type { ServerCertificateSource } from '../config/index.ts';
import type { CustomCertificate } from '../store/index.ts';

/** File names of the edge CA in the data directory. */
export const EDGE_CA_CERT_FILE = 'edge-ca.pem';
export const EDGE_CA_KEY_FILE = 'edge-ca.key.sealed';

/**
 * The edge's built-in CA and the server certificates it issues per hostname, for local and
 * test use: clients trust `edge-ca.pem` from the data directory (`curl --cacert`). The CA key
 * is stored sealed under the master key, never in the clear. Host certificates live in memory
 * and are issued again when the edge starts.
 */
export class EdgeCertificates implements ServerCertificateSource {
  readonly caPem: string;
  readonly #authority: SigningAuthority;
  readonly #issued = new Map<string, Promise<ServerCertificate>>();
  readonly #uploaded = new Map<string, ServerCertificate>();
  readonly #masterKey: Uint8Array;

  private constructor(caPem: string, authority: SigningAuthority, masterKey: Uint8Array) {
    this.caPem = caPem;
    this.#authority = authority;
    this.#masterKey = masterKey;
  }

  /** Loads the edge CA from `dataDir`, creating it on first use. */
  static async load(dataDir: string, masterKey: Uint8Array): Promise<EdgeCertificates> {
    const certPath = join(dataDir, EDGE_CA_CERT_FILE);
    const keyPath = join(dataDir, EDGE_CA_KEY_FILE);
    let caPem: string;
    let pkcs8: Uint8Array;
    try {
      caPem = await readFile(certPath, 'utf8');
      pkcs8 = openPrivateKey(new Uint8Array(await readFile(keyPath)), masterKey);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      const created = await createEdgeCa();
      caPem = created.certificatePem;
      pkcs8 = decodePem(created.privateKeyPem, PemLabel.PRIVATE_KEY, 'the edge CA key');
      await writeFile(keyPath, sealPrivateKey(pkcs8, masterKey), { mode: 0o600 });
      await chmod(keyPath, 0o600);
      await writeFile(certPath, caPem, { mode: 0o644 });
    }
    const keys = await importPrivateKey(pkcs8);
    const der = decodePem(caPem, PemLabel.CERTIFICATE, `${certPath}`);
    return new EdgeCertificates(
      caPem,
      { certificateDer: der, privateKey: keys.privateKey },
      masterKey,
    );
  }

  forHost(
    hostname: string,
    uploaded: readonly CustomCertificate[] = [],
  ): Promise<ServerCertificate> {
    const custom = uploaded.find(
      (c) =>
        Date.parse(c.expiresOn) > Date.now() && c.hosts.some((n) => certificateCovers(n, hostname)),
    );
    if (custom) return this.#unseal(custom);
    let issued = this.#issued.get(hostname);
    if (!issued) {
      issued = issueServerCertificate(this.#authority, [hostname]);
      this.#issued.set(hostname, issued);
      issued.catch(() => this.#issued.delete(hostname));
    }
    return issued;
  }

  /** An uploaded certificate with its key opened, kept while the upload is unchanged. */
  async #unseal(custom: CustomCertificate): Promise<ServerCertificate> {
    const key = `${custom.id}@${custom.modifiedOn}`;
    let opened = this.#uploaded.get(key);
    if (!opened) {
      const pkcs8 = openPrivateKey(custom.sealedPrivateKey, this.#masterKey);
      opened = {
        certificatePem: custom.certificatePem,
        privateKeyPem: encodePem(pkcs8, PemLabel.PRIVATE_KEY),
      };
      this.#uploaded.set(key, opened);
    }
    return opened;
  }
}
