import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BOT_USER, blockAction, deliver, eventEnvelope, sign } from './fixtures/slack-api.ts';
import { SECRET, quietLog, startSlack } from './fixtures/slack-app.ts';
import { BUSY, FAILED } from '../../bots/format.ts';
import { ScriptedAnswerer } from './fixtures/answerer.ts';

type Blocks = { type: string; text?: { text: string }; elements?: { action_id?: string; value?: string; text?: string | { text: string } }[] }[];

const blockText = (blocks: unknown) => JSON.stringify(blocks);

describe('Slack adapter (real Bolt, local Web API, signed HTTP deliveries)', () => {
  const answerer = new ScriptedAnswerer({ answerFor: (q) => (q.startsWith('long') ? `${'word '.repeat(1500)}\n\`\`\`js\n${'const x = 1;\n'.repeat(300)}\`\`\`\nend` : `Answer to: ${q}`) });
  let env: Awaited<ReturnType<typeof startSlack>>;
  const url = () => env.slack.url!;
  let ts = 1_800_000_000;
  const nextTs = () => `${++ts}.000200`;

  before(async () => {
    env = await startSlack(answerer, { channels: { C1: { collection: 'hr-docs', allowTeacher: false } } });
  });
  after(() => env.close());

  test('auth.test is called at start with the bot token', async () => {
    const auth = await env.api.waitFor(() => env.api.callsTo('auth.test')[0], 'auth.test');
    assert.equal(auth.token, 'xoxb-test');
  });

  test('an app_mention is acked at once, gets "Thinking…" in a thread, progress edits, then the answer with sources, who answered and buttons', async () => {
    const msgTs = nextTs();
    const started = Date.now();
    const res = await deliver(url(), eventEnvelope({ type: 'app_mention', user: 'U1', channel: 'C1', text: `<@${BOT_USER}> how many vacation days?`, ts: msgTs }), { secret: SECRET });
    assert.equal(res.status, 200);
    assert.ok(Date.now() - started < 3000, 'acked within 3 s');
    const thinking = await env.api.waitFor(() => env.api.callsTo('chat.postMessage').find((c) => c.args.thread_ts === msgTs), 'thinking message');
    assert.match(String(thinking.args.text), /Thinking/);
    const answer = await env.api.waitFor(() => env.api.callsTo('chat.update').find((c) => blockText(c.args.blocks).includes('feedback_up') && blockText(c.args.blocks).includes('how many vacation days')), 'answer');
    const blocks = answer.args.blocks as Blocks;
    assert.ok(env.api.callsTo('chat.update').some((c) => c.args.ts === thinking.args.ts || String(c.args.text).includes('step 1 of 2')), 'a progress edit');
    assert.ok(env.api.callsTo('chat.update').some((c) => String(c.args.text) === 'Thinking… step 1 of 2'), 'progress shows the step');
    assert.match(blockText(blocks), /Answer to: how many vacation days\?/);
    assert.match(blockText(blocks), /Answered by the student model in 1\.2 s · 2 sources/);
    assert.match(blockText(blocks), /Handbook: Vacation \(docs\/handbook\/vacation.md\)/);
    const buttons = blocks.find((b) => b.type === 'actions')!.elements!;
    assert.deepEqual(buttons.map((b) => b.action_id), ['feedback_up', 'feedback_down']);
    assert.match(buttons[0]!.value!, /^student-/);
    const ask = answerer.asks.find((a) => a.question === 'how many vacation days?')!;
    assert.equal(ask.surface, 'slack');
    assert.equal(ask.user, 'U1');
    assert.equal(ask.channel, 'C1');
    assert.equal(ask.collection, 'hr-docs', 'per-channel collection');
    assert.equal(ask.allowTeacher, false, 'per-channel teacher policy');
  });

  test('a bad signature is refused with 401 and never answered', async () => {
    const before = answerer.asks.length;
    const body = eventEnvelope({ type: 'app_mention', user: 'U1', channel: 'C1', text: `<@${BOT_USER}> forged`, ts: nextTs() });
    const res = await deliver(url(), body, { secret: SECRET, signature: sign('wrong-secret', Math.floor(Date.now() / 1000), JSON.stringify(body)) });
    assert.equal(res.status, 401);
    const missing = await fetch(url(), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal(missing.status, 401);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(answerer.asks.length, before);
  });

  test('a delivery older than five minutes is refused', async () => {
    const before = answerer.asks.length;
    const res = await deliver(url(), eventEnvelope({ type: 'app_mention', user: 'U1', channel: 'C1', text: `<@${BOT_USER}> replayed`, ts: nextTs() }), { secret: SECRET, timestamp: Math.floor(Date.now() / 1000) - 6 * 60 });
    assert.equal(res.status, 401);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(answerer.asks.length, before);
  });

  test('a retried delivery (same event_id, X-Slack-Retry-Num) is answered once', async () => {
    const msgTs = nextTs();
    const body = eventEnvelope({ type: 'app_mention', user: 'U2', channel: 'C1', text: `<@${BOT_USER}> retried question`, ts: msgTs }, 'EvRETRY1');
    assert.equal((await deliver(url(), body, { secret: SECRET })).status, 200);
    assert.equal((await deliver(url(), body, { secret: SECRET, retryNum: 1 })).status, 200);
    assert.equal((await deliver(url(), body, { secret: SECRET, retryNum: 2 })).status, 200);
    await env.api.waitFor(() => env.api.callsTo('chat.update').find((c) => blockText(c.args.blocks).includes('retried question')), 'answer');
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(answerer.asks.filter((a) => a.question === 'retried question').length, 1);
    assert.equal(env.api.callsTo('chat.postMessage').filter((c) => c.args.thread_ts === msgTs).length, 1);
  });

  test('url_verification is answered with the challenge', async () => {
    const res = await deliver(url(), { type: 'url_verification', token: 'legacy', challenge: 'abc123' }, { secret: SECRET });
    assert.equal(res.status, 200);
    assert.match(res.text, /abc123/);
  });

  test('a follow-up in a thread the bot is part of is answered without a mention, with the thread as history', async () => {
    const root = nextTs();
    env.api.addUserMessage('C2', { ts: root, user: 'U3', text: `<@${BOT_USER}> what is the wifi password?` });
    await deliver(url(), eventEnvelope({ type: 'app_mention', user: 'U3', channel: 'C2', text: `<@${BOT_USER}> what is the wifi password?`, ts: root }), { secret: SECRET });
    await env.api.waitFor(() => env.api.callsTo('chat.update').find((c) => blockText(c.args.blocks).includes('wifi password') && blockText(c.args.blocks).includes('feedback_up')), 'first answer');
    const follow = nextTs();
    env.api.addUserMessage('C2', { ts: follow, user: 'U3', text: 'and for guests?', thread_ts: root });
    await deliver(url(), eventEnvelope({ type: 'message', channel_type: 'channel', user: 'U3', channel: 'C2', text: 'and for guests?', ts: follow, thread_ts: root }), { secret: SECRET });
    await env.api.waitFor(() => env.api.callsTo('chat.update').find((c) => blockText(c.args.blocks).includes('and for guests?') && blockText(c.args.blocks).includes('feedback_up')), 'follow-up answer');
    const ask = answerer.asks.find((a) => a.question === 'and for guests?')!;
    assert.deepEqual(ask.history?.map((h) => h.role), ['user', 'assistant']);
    assert.equal(ask.history?.[0]?.text, 'what is the wifi password?');
    assert.match(ask.history?.[1]?.text ?? '', /Answer to: what is the wifi password/);
    assert.ok(env.api.callsTo('conversations.replies').some((c) => c.args.ts === root));
  });

  test('a message in someone else\'s thread, or plain channel chatter, is not answered', async () => {
    const root = nextTs();
    env.api.addUserMessage('C3', { ts: root, user: 'U4', text: 'lunch?' });
    const reply = nextTs();
    env.api.addUserMessage('C3', { ts: reply, user: 'U5', text: 'sure', thread_ts: root });
    await deliver(url(), eventEnvelope({ type: 'message', channel_type: 'channel', user: 'U5', channel: 'C3', text: 'sure', ts: reply, thread_ts: root }), { secret: SECRET });
    await deliver(url(), eventEnvelope({ type: 'message', channel_type: 'channel', user: 'U4', channel: 'C3', text: 'lunch?', ts: root }), { secret: SECRET });
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(answerer.asks.filter((a) => a.question === 'sure' || a.question === 'lunch?').length, 0);
  });

  test('a direct message is answered', async () => {
    const msgTs = nextTs();
    await deliver(url(), eventEnvelope({ type: 'message', channel_type: 'im', user: 'U6', channel: 'D1', text: 'hello from a DM', ts: msgTs }), { secret: SECRET });
    const answer = await env.api.waitFor(() => env.api.callsTo('chat.update').find((c) => c.args.channel === 'D1' && blockText(c.args.blocks).includes('feedback_up')), 'DM answer');
    assert.match(blockText(answer.args.blocks), /Answer to: hello from a DM/);
  });

  test('👎 on a student answer records feedback and posts the teacher\'s re-answer in the thread', async () => {
    const msgTs = nextTs();
    await deliver(url(), eventEnvelope({ type: 'app_mention', user: 'U7', channel: 'C4', text: `<@${BOT_USER}> rate me`, ts: msgTs }), { secret: SECRET });
    const answer = await env.api.waitFor(() => env.api.callsTo('chat.update').find((c) => blockText(c.args.blocks).includes('rate me') && blockText(c.args.blocks).includes('feedback_up')), 'answer');
    const logId = (answer.args.blocks as Blocks).find((b) => b.type === 'actions')!.elements![1]!.value!;
    const message = { type: 'message', ts: answer.args.ts, thread_ts: msgTs, user: BOT_USER, bot_id: 'BBOT', text: answer.args.text, blocks: answer.args.blocks };
    const res = await deliver(url(), blockAction({ user: 'U7', channel: 'C4', message, actionId: 'feedback_down', value: logId }), { secret: SECRET });
    assert.equal(res.status, 200);
    await env.api.waitFor(() => answerer.feedbacks.find((f) => f.logId === logId), 'feedback recorded');
    assert.deepEqual(answerer.feedbacks.find((f) => f.logId === logId), { logId, user: 'U7', value: 'down', surface: 'slack' });
    const teacher = await env.api.waitFor(() => env.api.callsTo('chat.update').find((c) => blockText(c.args.blocks).includes(`Teacher re-answer for ${logId}`)), 'teacher answer');
    assert.match(blockText(teacher.args.blocks), /Answered by the teacher model in 1\.2 s · 2 sources/);
    const thanked = env.api.callsTo('chat.update').find((c) => c.args.ts === answer.args.ts && blockText(c.args.blocks).includes('from <@U7>'));
    assert.ok(thanked, 'the buttons are replaced by a note');
    assert.ok(!blockText(thanked.args.blocks).includes('feedback_down'));
  });

  test('a long answer is split into section blocks of at most 3,000 characters, code fences intact', async () => {
    const msgTs = nextTs();
    await deliver(url(), eventEnvelope({ type: 'app_mention', user: 'U8', channel: 'C5', text: `<@${BOT_USER}> long please`, ts: msgTs }), { secret: SECRET });
    await env.api.waitFor(() => env.api.callsTo('chat.postMessage').find((c) => c.args.channel === 'C5' && blockText(c.args.blocks).includes('feedback_up')), 'last part with buttons');
    const parts = [
      ...env.api.callsTo('chat.update').filter((c) => c.args.channel === 'C5' && !/Thinking|Searching|Running|Queued/.test(String(c.args.text))),
      ...env.api.callsTo('chat.postMessage').filter((c) => c.args.channel === 'C5' && !/Thinking/.test(String(c.args.text))),
    ];
    const sections = parts.flatMap((c) => (c.args.blocks as Blocks).filter((b) => b.type === 'section').map((b) => b.text!.text)).filter((t) => !t.startsWith('*Sources*'));
    assert.ok(sections.length >= 4, `split into ${sections.length} sections`);
    for (const s of sections) {
      assert.ok(s.length <= 3000, `section of ${s.length} chars`);
      assert.equal((s.match(/```/g) ?? []).length % 2, 0, 'fences balanced in every section');
    }
    for (const c of parts) assert.ok((c.args.blocks as Blocks).filter((b) => b.type === 'section').length <= 4);
    assert.ok(sections.join('').includes('end'));
  });

});

describe('Slack adapter under load and failure', () => {
  test('with the queue full the user is told to wait; a failed question gets a short apology, the detail goes to the log', async () => {
    const answerer = new ScriptedAnswerer({ delayMs: 600, fail: (q) => q === 'break please' });
    const env = await startSlack(answerer, { workers: 1, queueSize: 1 });
    try {
      const asks = ['break please', 'second', 'third'].map((q, i) =>
        deliver(env.slack.url!, eventEnvelope({ type: 'app_mention', user: `UL${i}`, channel: 'CL', text: `<@${BOT_USER}> ${q}`, ts: `1750000000.00000${i}` }), { secret: SECRET }),
      );
      assert.deepEqual((await Promise.all(asks)).map((r) => r.status), [200, 200, 200]);
      const texts = () => env.api.callsTo('chat.update').map((c) => String(c.args.text));
      await env.api.waitFor(() => texts().includes(BUSY) && texts().includes(FAILED) && env.api.callsTo('chat.update').some((c) => blockText(c.args.blocks).includes('feedback_up')), 'busy, failed and answered');
      assert.equal(texts().filter((t) => t === BUSY).length, 1);
      assert.ok(texts().some((t) => t.startsWith('Queued')), 'the queued user sees their place');
      assert.ok(quietLog.errors.some((e) => e.includes('slack: question from')), 'failure detail logged');
    } finally {
      await env.close();
    }
  });
});
