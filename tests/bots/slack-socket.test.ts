import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configSchema } from '../../config/index.ts';
import { createBotContext } from '../../bots/context.ts';
import { createSlackAdapter } from '../../bots/slack/adapter.ts';
import { ScriptedAnswerer } from './fixtures/answerer.ts';
import { BOT_USER, FakeSlackApi, eventEnvelope } from './fixtures/slack-api.ts';
import { quietLog } from './fixtures/slack-app.ts';

test('Socket Mode: opens the connection with the app token, acks envelopes, answers once per event', async () => {
  const api = await new FakeSlackApi().start();
  const answerer = new ScriptedAnswerer();
  const config = configSchema.parse({ slack: { botToken: 'xoxb-test', appToken: 'xapp-test' } });
  const slack = createSlackAdapter(createBotContext(config, answerer, quietLog), { apiUrl: api.url });
  try {
    await slack.start();
    const open = await api.waitFor(() => api.callsTo('apps.connections.open')[0], 'apps.connections.open');
    assert.equal(open.token, 'xapp-test');
    await api.waitFor(() => api.sockets.size > 0, 'a socket');
    const body = eventEnvelope({ type: 'app_mention', user: 'U1', channel: 'C9', text: `<@${BOT_USER}> over the socket`, ts: '1700000999.000100' }, 'EvSOCKET');
    api.sendEnvelope('events_api', body, 'env-1');
    api.sendEnvelope('events_api', body, 'env-2'); // Slack's redelivery of the same event
    await api.waitFor(() => api.acks.some((a) => a.envelope_id === 'env-1') && api.acks.some((a) => a.envelope_id === 'env-2'), 'acks');
    const answer = await api.waitFor(() => api.callsTo('chat.update').find((c) => JSON.stringify(c.args.blocks).includes('feedback_up')), 'answer');
    assert.match(JSON.stringify(answer.args.blocks), /Answer to: over the socket/);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(answerer.asks.length, 1);
  } finally {
    await slack.stop();
    await api.waitFor(() => api.sockets.size === 0, 'the socket to close');
    await api.stop();
  }
});
