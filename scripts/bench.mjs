#!/usr/bin/env node
// `npm run bench`: every benchmark in turn (rules engine, event queries, edge against nginx,
// propagation of changes to several edges).
// Each prints its own figures; a name narrows the run: `npm run bench -- rules`.
import { spawnSync } from 'node:child_process';

const all = ['rules', 'events', 'edge', 'propagation'];
const wanted = process.argv.slice(2);
const chosen = wanted.length === 0 ? all : all.filter((name) => wanted.includes(name));
let failed = 0;
for (const name of chosen) {
  console.log(`\n== npm run bench:${name}`);
  const run = spawnSync('npm', ['run', '--silent', `bench:${name}`], { stdio: 'inherit' });
  if (run.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
