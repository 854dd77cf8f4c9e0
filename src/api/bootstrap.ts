import type { Account, ApiToken, Store, TokenPolicy } from '../store/index.ts';
import { generateTokenSecret, hashTokenSecret } from './tokens.ts';

/** The name of the token that `serve` creates and that PORTCULLIS_ADMIN_TOKEN replaces. */
export const ADMIN_TOKEN_NAME = 'admin';
export const DEFAULT_ACCOUNT_NAME = 'Default account';

const ADMIN_POLICIES: TokenPolicy[] = [{ effect: 'allow', scopes: ['*'], permissions: ['*'] }];

export interface Bootstrap {
  account: Account;
  admin: ApiToken;
  /** The admin secret when this start created or replaced it; it is never stored. */
  adminSecret?: string;
  /** Whether this start created the installation (its default account). */
  created: boolean;
  /** How the admin token came to be: made now, set from the environment, or kept as it was. */
  adminToken: 'generated' | 'configured' | 'existing';
}

/**
 * Makes sure a new installation has its default account and an admin token, in one
 * transaction. With `configuredSecret`, the admin token becomes that secret; without it, an
 * admin token is generated only when the store has no token at all, so that deleting every
 * token and restarting does not quietly mint a new one.
 */
export async function bootstrap(store: Store, configuredSecret?: string): Promise<Bootstrap> {
  return store.transaction(async (tx) => {
    const existing = (await tx.listAccounts({ perPage: 1 })).items[0];
    const created = existing === undefined;
    const account = existing ?? (await tx.createAccount({ name: DEFAULT_ACCOUNT_NAME }));
    const tokens = (await tx.listApiTokens({ perPage: 1000 })).items;
    const admin = tokens.find((t) => t.name === ADMIN_TOKEN_NAME);

    if (configuredSecret !== undefined) {
      const secretHash = hashTokenSecret(configuredSecret);
      if (admin?.secretHash === secretHash && admin.status === 'active') {
        return { account, admin, created, adminToken: 'configured' };
      }
      const updated = admin
        ? await tx.updateApiToken(admin.id, { secretHash, status: 'active' })
        : await tx.createApiToken({ name: ADMIN_TOKEN_NAME, secretHash, policies: ADMIN_POLICIES });
      return { account, admin: updated, created, adminToken: 'configured' };
    }
    if (admin || tokens.length > 0) {
      return { account, admin: admin ?? tokens[0]!, created, adminToken: 'existing' };
    }
    const adminSecret = generateTokenSecret();
    const token = await tx.createApiToken({
      name: ADMIN_TOKEN_NAME,
      secretHash: hashTokenSecret(adminSecret),
      policies: ADMIN_POLICIES,
    });
    return { account, admin: token, created, adminSecret, adminToken: 'generated' };
  });
}
