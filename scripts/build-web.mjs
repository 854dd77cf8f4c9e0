#!/usr/bin/env node
// Builds the dashboard into web/dist with Vite. With --if-stale it builds only when web/dist
// is missing or older than a source of the dashboard, so `npm start` stays quick after the
// first run and never serves a dashboard older than its sources.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const web = join(root, 'web');
const builtIndex = join(web, 'dist', 'index.html');

/** The newest modification time of a file or of any file under a directory. */
function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = 0;
  for (const name of readdirSync(path)) latest = Math.max(latest, newest(join(path, name)));
  return latest;
}

function isStale() {
  if (!existsSync(builtIndex)) return true;
  // The Rules engine is bundled into the dashboard, so it counts as a source too.
  const sources = ['src', 'index.html', 'vite.config.ts', 'tsconfig.json'].map((p) => join(web, p));
  sources.push(join(root, 'src', 'rules'));
  const built = statSync(builtIndex).mtimeMs;
  return sources.some((p) => existsSync(p) && newest(p) > built);
}

if (process.argv.includes('--if-stale') && !isStale()) process.exit(0);

console.log('building the dashboard into web/dist');
const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js');
const result = spawnSync(
  process.execPath,
  [vite, 'build', '--config', join(web, 'vite.config.ts'), '--logLevel', 'warn'],
  { cwd: root, stdio: 'inherit' },
);
process.exit(result.status ?? 1);
