import type { FastifyInstance } from 'fastify';
import type { Store } from '../../store/index.ts';
import { openApiRoutes } from '../openapi.ts';
import { accountRoutes } from './accounts.ts';
import { auditLogRoutes } from './audit-logs.ts';
import { clientCertificateBundleRoutes } from './client-certificate-bundles.ts';
import { customCertificateRoutes } from './custom-certificates.ts';
import { edgeRoutes } from './edges.ts';
import { firewallEventRoutes } from './firewall-events.ts';
import { clientCertificateRoutes } from './client-certificates.ts';
import { filterRoutes } from './filters.ts';
import { firewallRuleRoutes } from './firewall-rules.ts';
import { hostRoutes } from './hosts.ts';
import { hostnameAssociationRoutes } from './hostname-associations.ts';
import { listItemRoutes } from './list-items.ts';
import { listRoutes } from './lists.ts';
import { managedCaRoutes } from './managed-ca.ts';
import { mtlsCertificateRoutes } from './mtls-certificates.ts';
import { rulesetRuleRoutes } from './ruleset-rules.ts';
import { rulesetVersionRoutes } from './ruleset-versions.ts';
import { rulesetRoutes } from './rulesets.ts';
import { uploadedCrlRoutes } from './uploaded-crl.ts';
import { userTokenRoutes } from './user-tokens.ts';
import { validateExprRoutes } from './validate-expr.ts';
import { zoneRoutes } from './zones.ts';

/** What every route module receives besides the fastify instance. */
export interface RouteContext {
  store: Store;
  /** Seals and opens CA private keys (AES-256-GCM); 32 bytes. */
  masterKey: Uint8Array;
  /**
   * The control plane's public base URL (`http://host:port`), once it listens: what goes into
   * issued certificates as the CRL distribution point. Undefined until then.
   */
  publicBaseUrl: () => string | undefined;
  /** Resolves once every running edge serves configuration `version` (or a later one). */
  configApplied: (version: number) => Promise<void>;
  /** Seconds after which an edge that has not reported stops counting. */
  edgeTimeoutSeconds: number;
}

/**
 * Registers every `/client/v4` route module; the caller applies the prefix. One line per
 * module, so that adding a resource touches only this list.
 */
export async function apiRoutes(app: FastifyInstance, options: RouteContext): Promise<void> {
  // Only the context goes on: fastify's own options (the prefix) must not be applied twice.
  const ctx: RouteContext = {
    store: options.store,
    masterKey: options.masterKey,
    publicBaseUrl: options.publicBaseUrl,
    configApplied: options.configApplied,
    edgeTimeoutSeconds: options.edgeTimeoutSeconds,
  };
  await app.register(openApiRoutes);
  await app.register(userTokenRoutes, ctx);
  await app.register(accountRoutes, ctx);
  await app.register(zoneRoutes, ctx);
  await app.register(hostRoutes, ctx);
  await app.register(rulesetRoutes, ctx);
  await app.register(rulesetRuleRoutes, ctx);
  await app.register(rulesetVersionRoutes, ctx);
  await app.register(firewallRuleRoutes, ctx);
  await app.register(filterRoutes, ctx);
  await app.register(validateExprRoutes, ctx);
  await app.register(auditLogRoutes, ctx);
  await app.register(edgeRoutes, ctx);
  await app.register(listRoutes, ctx);
  await app.register(listItemRoutes, ctx);
  await app.register(clientCertificateRoutes, ctx);
  await app.register(managedCaRoutes, ctx);
  await app.register(hostnameAssociationRoutes, ctx);
  await app.register(mtlsCertificateRoutes, ctx);
  await app.register(uploadedCrlRoutes, ctx);
  await app.register(clientCertificateBundleRoutes, ctx);
  await app.register(customCertificateRoutes, ctx);
  await app.register(firewallEventRoutes, ctx);
}
