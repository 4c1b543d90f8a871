import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { health } from '../../admin/index.ts';
import { dependencyProbes } from '../../cli/commands/health.ts';
import { loadConfig, repoRoot } from '../../config/index.ts';
import { startRedis } from '../services.ts';

test('`understudy health` reports the store and Redis, turns degraded when Redis is down, and exits 1 then', async () => {
  const redis = await startRedis();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'understudy-health-'));
  const config = loadConfig({ env: {}, overrides: { dataDir, 'queue.url': redis.url } });
  try {
    const up = await health(dependencyProbes(config));
    assert.deepEqual(up, { status: 'ok', checks: { store: { ok: true, questions: 0 }, queue: { ok: true } } });
  } finally {
    await redis.stop();
  }
  const down = await health(dependencyProbes(config));
  assert.equal(down.status, 'degraded');
  assert.match(down.checks.queue!.error!, /cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+ \(connect ECONNREFUSED/);

  const cli = spawnSync(process.execPath, ['bin/understudy.js', 'health'], {
    cwd: repoRoot, encoding: 'utf8', env: { ...process.env, UNDERSTUDY_DATA_DIR: dataDir, REDIS_URL: config.queue.url },
  });
  assert.equal(cli.status, 1, cli.stderr);
  assert.equal((JSON.parse(cli.stdout) as { status: string }).status, 'degraded');
});
