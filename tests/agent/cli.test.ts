import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../../config/index.ts';
import { SqliteLogStore } from '../../store/index.ts';
import { tempDir } from './helpers.ts';

test('understudy ask --json prints exactly one JSON object of the documented shape, logs to stderr', () => {
  const data = tempDir('cli');
  const res = spawnSync(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'ask', 'What is 2 plus 3?', '--json', '--no-teacher', '--sag', '1'], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 400_000,
    env: {
      ...process.env,
      UNDERSTUDY_DATA_DIR: data,
      UNDERSTUDY_AGENT_THREADS: '1',
      UNDERSTUDY_AGENT_MAX_STEPS: '1',
      UNDERSTUDY_AGENT_MAX_TOKENS_PER_STEP: '64',
      UNDERSTUDY_MODELS_CONTEXT_SIZE: '2048',
    },
  });
  assert.equal(res.status, 0, res.stderr);
  const lines = res.stdout.trim().split('\n');
  assert.equal(lines.length, 1, `stdout: ${res.stdout}`);
  const out = JSON.parse(lines[0]!) as Record<string, unknown>;
  assert.deepEqual(Object.keys(out).sort(), ['abstained', 'answer', 'latency_ms', 'log_id', 'models', 'reason', 'route', 'sources', 'steps', 'unverified'].sort());
  assert.equal(typeof out.answer, 'string');
  assert.equal(out.route, 'student');
  assert.equal(typeof out.reason, 'string');
  assert.equal(typeof out.abstained, 'boolean');
  assert.ok(Array.isArray(out.sources));
  assert.ok(Number.isInteger(out.steps) && Number.isInteger(out.latency_ms));
  assert.deepEqual(out.models, { student: 'student', adapter: null, teacher: null });
  assert.equal(typeof out.log_id, 'string');
  const store = new SqliteLogStore(path.join(data, 'understudy.db'));
  return store.getQuestion(out.log_id as string).then(async (d) => {
    assert.equal(d?.question.surface, 'cli');
    assert.equal(d?.trajectories.length, 1);
    await store.close();
  });
});
