import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { SqliteLogStore } from '../../store/index.ts';
import { askJson, tempDir } from './helpers.ts';

test('understudy ask --json prints exactly one JSON object of the documented shape, logs to stderr', () => {
  const data = tempDir('cli');
  const out = askJson('What is 2 plus 3?', ['--no-teacher', '--sag', '1'], {
    UNDERSTUDY_DATA_DIR: data,
    UNDERSTUDY_AGENT_MAX_STEPS: '1',
    UNDERSTUDY_AGENT_MAX_TOKENS_PER_STEP: '64',
    UNDERSTUDY_MODELS_CONTEXT_SIZE: '2048',
  });
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
