// The first run: `understudy chat` (what `npm start` opens) on an empty knowledge base says so and
// shows how to fill it, and still answers; `chat --docs PATH` ingests PATH before the chat opens.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../../config/index.ts';
import { tinyConfigFile } from './fixtures/tiny-config.ts';

/** Runs the real CLI with `input` on stdin; resolves with its exit code and output. */
function chat(config: string, args: string[], input: string, env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'cli/main.ts', '--config', config, 'chat', ...args], { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  child.stdin.end(input);
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, out, err })));
}

test('an empty knowledge base is named with the command that fills it, the chat still answers; --docs ingests first', { timeout: 300_000 }, async () => {
  const config = tinyConfigFile({ chroma: {} });
  const empty = await chat(config, [], 'What is 2 + 3?\n/quit\n', { npm_lifecycle_event: 'start' });
  assert.equal(empty.code, 0, `exit code; stderr:\n${empty.err.slice(-2000)}`);
  assert.match(empty.out, /The knowledge base is empty: the collection "handbook" holds no documents yet\.\nTo add a folder of your documents .*, run: npm start -- --docs PATH\n/);
  assert.match(empty.out, /— Answered by the (student|teacher) model in /);

  const docs = path.join(mkdtempSync(path.join(tmpdir(), 'understudy-docs-')), 'docs');
  mkdirSync(docs);
  writeFileSync(path.join(docs, 'parking.md'), '# Parking\n\nStaff park in the north lot; visitors use the south lot.\n');
  writeFileSync(path.join(docs, 'lunch.md'), '# Lunch\n\nLunch is served from noon to 1:30 pm on weekdays.\n');
  const filled = await chat(config, ['--docs', docs], '/quit\n');
  assert.equal(filled.code, 0, `exit code; stderr:\n${filled.err.slice(-2000)}`);
  assert.match(filled.out, /^handbook: 2 added, 0 updated, 0 unchanged, 0 deleted, 0 skipped; 2 chunks embedded/m);
  assert.doesNotMatch(filled.out, /knowledge base is empty/);
  assert.ok(filled.out.indexOf('handbook: 2 added') < filled.out.indexOf('understudy chat.'), 'ingested before the chat opens');

  const missing = await chat(config, ['--docs', path.join(docs, 'nope')], '/quit\n');
  assert.equal(missing.code, 1);
  assert.match(missing.err, /no such file or directory: .*nope/);
});
