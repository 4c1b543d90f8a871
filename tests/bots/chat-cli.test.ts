import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../../config/index.ts';
import { tinyConfigFile } from './fixtures/tiny-config.ts';

const agentReady = existsSync(path.join(repoRoot, 'agent/index.ts'));

test('`understudy chat` answers from piped stdin through the real agent and exits on /quit', { skip: !agentReady && 'agent/index.ts is not there yet', timeout: 240_000 }, async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'cli/main.ts', '--config', tinyConfigFile(), 'chat'], { cwd: repoRoot, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  child.stdin.end('What is 2 + 3?\n/up\n/quit\n');
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(code, 0, `exit code; stderr:\n${err.slice(-2000)}`);
  assert.match(out, /understudy chat/);
  assert.match(out, /… Thinking… step 1 of 2/);
  assert.match(out, /— Answered by the (student|teacher) model in /);
  assert.match(out, /👍 recorded, thanks\./);
});
