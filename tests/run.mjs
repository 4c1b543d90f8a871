#!/usr/bin/env node
// Runs every tests/**/*.test.ts with node:test (spec output on the terminal) and ends with a
// plain "N passed, N failed" line. Arguments narrow the run to files whose path contains them
// (with or without the leading tests/); --unit keeps the fast tier, the *.unit.test.ts files,
// which need no setup step, model, server or Python, and runs them two at a time.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.dirname(new URL(import.meta.url).pathname);
const args = process.argv.slice(2);
const unit = args.includes('--unit');
const filters = args.filter((a) => a !== '--unit');
const files = readdirSync(root, { recursive: true })
  .map((f) => path.join('tests', String(f)))
  .filter((f) => f.endsWith(unit ? '.unit.test.ts' : '.test.ts'))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();

if (files.length === 0) {
  console.error(`no test files match ${filters.join(' ')}`);
  process.exit(2);
}

const tap = path.join(mkdtempSync(path.join(tmpdir(), 'understudy-tests-')), 'results.tap');
const res = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${unit ? 2 : 1}`,
   '--test-reporter=spec', '--test-reporter-destination=stdout',
   '--test-reporter=tap', `--test-reporter-destination=${tap}`, ...files],
  { stdio: 'inherit', env: { ...process.env, UNDERSTUDY_TEST: '1' } },
);
const summary = readFileSync(tap, 'utf8');
const count = (name) => Number(summary.match(new RegExp(`^# ${name} (\\d+)$`, 'm'))?.[1] ?? 0);
console.log(`${count('pass')} passed, ${count('fail')} failed`);
process.exit(res.status ?? 1);
