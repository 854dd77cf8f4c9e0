import { conflict } from '../errors.ts';
import { newId, newUuid, nowIso } from '../ids.ts';
import type {
  CertificateAuthorityPatch,
  ClientCertificateQuery,
  CustomCertificatePatch,
  NewCertificateAuthority,
  NewClientCertificate,
  NewCustomCertificate,
} from '../store.ts';
import type {
  CertificateAuthority,
  ClientCertificate,
  ClientCertificateStatus,
  CustomCertificate,
  Page,
} from '../types.ts';
import { OperationalData } from './operational-data.ts';
import { limits } from '../records.ts';

/** Statuses in which the edge must treat a certificate as revoked. */
const REVOKED_STATES: readonly ClientCertificateStatus[] = ['pending_revocation', 'revoked'];

/** Certificate authorities and the client certificates they issued. */
export abstract class CertificateData extends OperationalData {
  async createCertificateAuthority(input: NewCertificateAuthority): Promise<CertificateAuthority> {
    const id = input.id ?? newId();
    const now = nowIso();
    await this.run(
      `certificate authority ${input.name}`,
      `INSERT INTO certificate_authorities (id, account_id, kind, name, certificate_pem,
         sealed_private_key, created_on, modified_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      id,
      input.accountId,
      input.kind,
      input.name,
      input.certificatePem,
      input.sealedPrivateKey,
      now,
      now,
    );
    this.ctx.record({ type: 'certificate_authority', id, op: 'create' });
    return this.must(await this.getCertificateAuthority(id), 'certificate authority', id);
  }

  async getCertificateAuthority(id: string): Promise<CertificateAuthority | undefined> {
    const row = await this.get('SELECT * FROM certificate_authorities WHERE id = ?', id);
    return row && this.rows.toCertificateAuthority(row);
  }

  async listCertificateAuthorities(accountId: string): Promise<CertificateAuthority[]> {
    const rows = await this.all(
      'SELECT * FROM certificate_authorities WHERE account_id = ? ORDER BY created_on, id',
      accountId,
    );
    return rows.map(this.rows.toCertificateAuthority);
  }

  async updateCertificateAuthority(
    id: string,
    patch: CertificateAuthorityPatch,
  ): Promise<CertificateAuthority> {
    const ca = this.must(await this.getCertificateAuthority(id), 'certificate authority', id);
    const next = { ...ca, ...patch };
    await this.run(
      `certificate authority ${id}`,
      `UPDATE certificate_authorities SET name = ?, crl_number = ?, crl_der = ?, modified_on = ?
       WHERE id = ?`,
      next.name,
      next.crlNumber,
      next.crlDer,
      nowIso(),
      id,
    );
    this.ctx.record({ type: 'certificate_authority', id, op: 'update' });
    return this.must(await this.getCertificateAuthority(id), 'certificate authority', id);
  }

  async deleteCertificateAuthority(id: string): Promise<void> {
    this.must(await this.getCertificateAuthority(id), 'certificate authority', id);
    const hosts = await this.count(
      'SELECT COUNT(*) AS n FROM hosts WHERE certificate_authority_id = ?',
      id,
    );
    if (hosts > 0) throw conflict(`certificate authority ${id} is used by ${hosts} host(s)`);
    const certs = await this.count(
      'SELECT COUNT(*) AS n FROM client_certificates WHERE certificate_authority_id = ?',
      id,
    );
    if (certs > 0) throw conflict(`certificate authority ${id} has issued ${certs} certificate(s)`);
    await this.run(
      `certificate authority ${id}`,
      'DELETE FROM certificate_authorities WHERE id = ?',
      id,
    );
    this.ctx.record({ type: 'certificate_authority', id, op: 'delete' });
  }

  async createClientCertificate(input: NewClientCertificate): Promise<ClientCertificate> {
    const id = input.id ?? newUuid();
    const seq = await this.count('SELECT COALESCE(MAX(seq), 0) + 1 AS n FROM client_certificates');
    await this.run(
      `client certificate ${input.serialNumber}`,
      `INSERT INTO client_certificates (id, zone_id, certificate_authority_id, serial_number,
         fingerprint_sha256, certificate_pem, csr_pem, common_name, status, validity_days,
         issued_on, expires_on, details, sealed_private_key, seq)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?, ?, ?, ?, ?)`,
      id,
      input.zoneId,
      input.certificateAuthorityId,
      input.serialNumber.toUpperCase(),
      input.fingerprintSha256.toLowerCase(),
      input.certificatePem,
      input.csrPem,
      input.commonName,
      input.validityDays,
      input.issuedOn,
      input.expiresOn,
      JSON.stringify(input.details),
      input.sealedPrivateKey,
      seq,
    );
    this.ctx.record({ type: 'client_certificate', id, zoneId: input.zoneId, op: 'create' });
    return this.must(await this.getClientCertificate(id), 'client certificate', id);
  }

  async getClientCertificate(id: string): Promise<ClientCertificate | undefined> {
    const row = await this.get('SELECT * FROM client_certificates WHERE id = ?', id);
    return row && this.rows.toClientCertificate(row);
  }

  async listClientCertificates(query: ClientCertificateQuery): Promise<Page<ClientCertificate>> {
    const [limit, offset] = limits(query);
    const where = query.status ? 'zone_id = ? AND status = ?' : 'zone_id = ?';
    const params = query.status ? [query.zoneId, query.status] : [query.zoneId];
    const rows = await this.all(
      `SELECT * FROM client_certificates WHERE ${where} ORDER BY seq LIMIT ? OFFSET ?`,
      ...params,
      limit,
      offset,
    );
    const total = await this.count(
      `SELECT COUNT(*) AS n FROM client_certificates WHERE ${where}`,
      ...params,
    );
    return { items: rows.map(this.rows.toClientCertificate), total };
  }

  async setClientCertificateStatus(
    id: string,
    status: ClientCertificateStatus,
  ): Promise<ClientCertificate> {
    const cert = this.must(await this.getClientCertificate(id), 'client certificate', id);
    const revokedOn =
      REVOKED_STATES.includes(status) && !REVOKED_STATES.includes(cert.status)
        ? nowIso()
        : cert.revokedOn;
    // The version the change will commit at: the edge compares it with the version it applied.
    const version = (await this.count(this.dialect.configVersion)) + 1;
    await this.run(
      `client certificate ${id}`,
      `UPDATE client_certificates SET status = ?, revoked_on = ?, status_version = ? WHERE id = ?`,
      status,
      revokedOn,
      version,
      id,
    );
    this.ctx.record({ type: 'client_certificate', id, zoneId: cert.zoneId, op: 'update' });
    return this.must(await this.getClientCertificate(id), 'client certificate', id);
  }

  async listRevokedSerials(certificateAuthorityId: string): Promise<string[]> {
    const rows = await this.all(
      `SELECT serial_number FROM client_certificates
       WHERE certificate_authority_id = ? AND status IN ('pending_revocation', 'revoked')
       ORDER BY serial_number`,
      certificateAuthorityId,
    );
    return rows.map((r) => r.serial_number as string);
  }

  async createCustomCertificate(input: NewCustomCertificate): Promise<CustomCertificate> {
    const id = input.id ?? newId();
    const now = nowIso();
    const seq = await this.count('SELECT COALESCE(MAX(seq), 0) + 1 AS n FROM custom_certificates');
    await this.run(
      `custom certificate for ${input.hosts[0] ?? 'no host'}`,
      `INSERT INTO custom_certificates (id, zone_id, certificate_pem, sealed_private_key, hosts,
         issuer, signature, bundle_method, priority, expires_on, uploaded_on, modified_on, seq)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      id,
      input.zoneId,
      input.certificatePem,
      input.sealedPrivateKey,
      JSON.stringify(input.hosts),
      input.issuer,
      input.signature,
      input.bundleMethod,
      input.priority,
      input.expiresOn,
      now,
      now,
      seq,
    );
    this.ctx.record({ type: 'custom_certificate', id, zoneId: input.zoneId, op: 'create' });
    return this.must(await this.getCustomCertificate(id), 'custom certificate', id);
  }

  async getCustomCertificate(id: string): Promise<CustomCertificate | undefined> {
    const row = await this.get('SELECT * FROM custom_certificates WHERE id = ?', id);
    return row && this.rows.toCustomCertificate(row);
  }

  async listCustomCertificates(zoneId: string): Promise<CustomCertificate[]> {
    const rows = await this.all(
      'SELECT * FROM custom_certificates WHERE zone_id = ? ORDER BY priority DESC, seq',
      zoneId,
    );
    return rows.map(this.rows.toCustomCertificate);
  }

  async updateCustomCertificate(
    id: string,
    patch: CustomCertificatePatch,
  ): Promise<CustomCertificate> {
    const cert = this.must(await this.getCustomCertificate(id), 'custom certificate', id);
    const next = { ...cert, ...patch };
    await this.run(
      `custom certificate ${id}`,
      `UPDATE custom_certificates SET certificate_pem = ?, sealed_private_key = ?, hosts = ?,
         issuer = ?, signature = ?, bundle_method = ?, priority = ?, expires_on = ?,
         modified_on = ? WHERE id = ?`,
      next.certificatePem,
      next.sealedPrivateKey,
      JSON.stringify(next.hosts),
      next.issuer,
      next.signature,
      next.bundleMethod,
      next.priority,
      next.expiresOn,
      nowIso(),
      id,
    );
    this.ctx.record({ type: 'custom_certificate', id, zoneId: cert.zoneId, op: 'update' });
    return this.must(await this.getCustomCertificate(id), 'custom certificate', id);
  }

  async deleteCustomCertificate(id: string): Promise<void> {
    const cert = this.must(await this.getCustomCertificate(id), 'custom certificate', id);
    await this.run(`custom certificate ${id}`, 'DELETE FROM custom_certificates WHERE id = ?', id);
    this.ctx.record({ type: 'custom_certificate', id, zoneId: cert.zoneId, op: 'delete' });
  }
}
