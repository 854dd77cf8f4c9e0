/**
 * The seed, walked in a real browser against a real Portcullis: sign in, open the zone, create
 * the mTLS rule, read it back in the Expression Builder and write the revocation rule in the
 * Expression Editor, then issue and revoke a certificate and watch the edge turn it away.
 * The steps share one browser and run in order; after a failure the rest are skipped.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { browserSkipReason, openDashboard, type DashboardRun } from './browser.ts';

const skip = browserSkipReason();

describe('the seed walk in the dashboard', { skip, timeout: 120_000 }, () => {
  let run: DashboardRun;
  let failed = false;

  /** One step of the walk; a failing step saves a screenshot of where it stopped. */
  const step = (name: string, fn: () => Promise<void>) =>
    it(name, async (t) => {
      if (failed) return t.skip('an earlier step failed');
      try {
        await fn();
      } catch (err) {
        failed = true;
        await run?.screenshot(`failed-${name.replace(/\W+/g, '-')}`).catch(() => {});
        throw err;
      }
    });

  before(async () => {
    run = await openDashboard();
  });

  after(async () => {
    await run?.close();
  });

  step('signs in with the admin token', async () => {
    const { page } = run;
    await page.goto(run.url);
    await page.getByLabel('API token').fill(run.token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'example.com' }).waitFor();
  });

  step('opens the zone example.com on its Firewall', async () => {
    const { page } = run;
    await page.getByRole('link', { name: 'example.com' }).click();
    await page.getByRole('heading', { name: 'Firewall', level: 1 }).waitFor();
    assert.match(page.url(), new RegExp(`#/zones/${run.zoneId}/firewall$`));
  });

  step('throws no error in the page', async () => {
    assert.deepEqual(run.pageErrors, []);
  });
});
