import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../../config/index.ts';
import { BOT_USER, FakeSlackApi, deliver, eventEnvelope } from './fixtures/slack-api.ts';
import { SECRET } from './fixtures/slack-app.ts';
import { tinyConfigFile } from './fixtures/tiny-config.ts';

const agentReady = existsSync(path.join(repoRoot, 'agent/index.ts'));

test('`understudy serve` runs the configured Slack bot and the admin UI in one process, and stops on SIGTERM', { skip: !agentReady && 'agent/index.ts is not there yet', timeout: 240_000 }, async () => {
  const api = await new FakeSlackApi().start();
  const env = {
    ...process.env, SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: SECRET, UNDERSTUDY_SLACK_PORT: '0', UNDERSTUDY_TEST_SLACK_API_URL: api.url,
    UNDERSTUDY_ADMIN_PASSWORD: 'correct-horse', UNDERSTUDY_ADMIN_PORT: '0', UNDERSTUDY_DISTILL_SCHEDULE: '0 3 * * *',
  };
  const child = spawn(process.execPath, ['--import', 'tsx', 'cli/main.ts', '--config', tinyConfigFile(), 'serve'], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  try {
    const slackUrl = await api.waitFor(() => /slack: listening on (\S+)/.exec(err)?.[1], 'the Slack receiver', 120_000);
    const adminUrl = /admin UI on (\S+)/.exec(err)?.[1];
    assert.ok(adminUrl, `admin UI started; stderr:\n${err}`);
    assert.match(err, /nightly: next run \d{4}-\d\d-\d\dT03:00:00\.000Z/, 'the one process keeps the nightly schedule');
    assert.ok((await fetch(adminUrl, { redirect: 'manual' })).status < 500);
    const ts = '1770000000.000100';
    assert.equal((await deliver(slackUrl, eventEnvelope({ type: 'app_mention', user: 'US', channel: 'CS', text: `<@${BOT_USER}> What is 2 + 3?`, ts }), { secret: SECRET })).status, 200);
    await api.waitFor(() => api.callsTo('chat.update').find((c) => JSON.stringify(c.args.blocks).includes('feedback_up')), 'the answer', 200_000);
  } finally {
    child.kill('SIGTERM');
    const code = await exited;
    await api.stop();
    assert.equal(code, 0, `exit code; stderr:\n${err.slice(-2000)}`);
  }
});
