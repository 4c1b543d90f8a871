import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { configSchema } from '../../config/index.ts';
import { createBotContext } from '../../bots/context.ts';
import { createDiscordAdapter } from '../../bots/discord/adapter.ts';
import type { BotAdapter } from '../../bots/types.ts';
import { ScriptedAnswerer } from './fixtures/answerer.ts';
import { APP_ID, BOT, CHANNEL, FakeDiscord, USER, nextId } from './fixtures/discord-server.ts';
import { quietLog } from './fixtures/slack-app.ts';

type Component = { type: number; components?: { custom_id: string }[] };

describe('Discord adapter (real discord.js, local REST + gateway)', () => {
  const answerer = new ScriptedAnswerer({
    answerFor: (q) => (q.includes('long') ? `Intro\n\`\`\`python\n${'print("hello world")\n'.repeat(150)}\`\`\`\nDone.` : `Answer to: ${q}`),
  });
  let discord: FakeDiscord;
  let bot: BotAdapter;

  before(async () => {
    discord = await new FakeDiscord().start();
    const config = configSchema.parse({ discord: { token: 'test-token', applicationId: APP_ID } });
    bot = createDiscordAdapter(createBotContext(config, answerer, quietLog), { apiUrl: discord.url });
    await bot.start();
  });
  after(async () => {
    await bot.stop();
    await discord.stop();
  });

  test('logs in through /gateway/bot, IDENTIFYs with the message intents and registers /ask', () => {
    assert.ok(discord.callsTo('GET', /^\/gateway\/bot$/).length >= 1);
    const identify = discord.received.find((f) => f.op === 2)!.d as { token: string; intents: number };
    assert.equal(identify.token, 'test-token');
    assert.ok((identify.intents & (1 << 15)) !== 0, 'MessageContent intent');
    assert.ok((identify.intents & (1 << 12)) !== 0, 'DirectMessages intent');
    const put = discord.callsTo('PUT', new RegExp(`^/applications/${APP_ID}/commands$`))[0]!;
    assert.equal((put.body as unknown as { name: string }[])[0]!.name, 'ask');
  });

  test('a mention in a channel is answered in a new thread, with typing, sources and feedback buttons', async () => {
    const msgId = discord.userMessage(CHANNEL, `<@${BOT.id}> where is the handbook?`, { mention: true });
    const thread = await discord.waitFor(() => discord.callsTo('POST', new RegExp(`^/channels/${CHANNEL}/messages/${msgId}/threads$`))[0], 'thread creation');
    assert.equal(thread.body?.name, 'where is the handbook?');
    const answer = await discord.waitFor(() => discord.callsTo('POST', /^\/channels\/\d+\/messages$/).find((c) => String(c.body?.content).includes('where is the handbook')), 'answer');
    const threadId = /^\/channels\/(\d+)\//.exec(answer.path)![1];
    assert.notEqual(threadId, CHANNEL, 'answered in the thread, not the channel');
    assert.ok(discord.callsTo('POST', new RegExp(`^/channels/${threadId}/typing$`)).length >= 1, 'typing indicator');
    const embeds = answer.body?.embeds as { title: string; description: string; footer: { text: string } }[];
    assert.match(embeds[0]!.description, /Handbook: Vacation \(docs\/handbook\/vacation.md\)/);
    assert.match(embeds[0]!.footer.text, /^Answered by the student model in 1\.2 s · 2 sources$/);
    const ids = (answer.body?.components as Component[])[0]!.components!.map((c) => c.custom_id);
    assert.deepEqual(ids.map((i) => i.split(':').slice(0, 2).join(':')), ['feedback:up', 'feedback:down']);
    assert.equal(answerer.asks.at(-1)?.surface, 'discord');
    assert.equal(answerer.asks.at(-1)?.user, USER.id);
  });

  test('a follow-up in the bot\'s thread needs no mention and carries the thread as history', async () => {
    const threadCall = discord.callsTo('POST', /\/threads$/)[0]!;
    const threadId = /^\/channels\/(\d+)\//.exec(discord.callsTo('POST', /^\/channels\/\d+\/messages$/).find((c) => String(c.body?.content).includes('where is the handbook'))!.path)![1]!;
    assert.ok(threadCall);
    discord.userMessage(threadId, 'and the old one?');
    const answer = await discord.waitFor(() => discord.callsTo('POST', new RegExp(`^/channels/${threadId}/messages$`)).find((c) => String(c.body?.content).includes('and the old one?')), 'follow-up answer');
    assert.ok(answer);
    assert.ok(discord.callsTo('GET', new RegExp(`^/channels/${threadId}/messages$`)).length >= 1, 'thread history fetched');
    const ask = answerer.asks.find((a) => a.question === 'and the old one?')!;
    assert.equal(ask.history?.at(-1)?.role, 'assistant');
    assert.match(ask.history?.at(-1)?.text ?? '', /Answer to: where is the handbook/);
  });

  test('a message without a mention in a guild channel is ignored', async () => {
    const n = answerer.asks.length;
    discord.userMessage(CHANNEL, 'just chatting');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(answerer.asks.length, n);
  });

  test('a DM is answered in the DM channel', async () => {
    const dm = nextId();
    discord.userMessage(dm, 'a private question', { guild: false });
    const answer = await discord.waitFor(() => discord.callsTo('POST', new RegExp(`^/channels/${dm}/messages$`))[0], 'DM answer');
    assert.match(String(answer.body?.content), /Answer to: a private question/);
  });

  test('a 429 from Discord is waited out and retried by discord.js, not dropped', async () => {
    const dm = nextId();
    discord.rateLimitNextMessage = 0.3;
    discord.userMessage(dm, 'rate limited?', { guild: false });
    const posts = await discord.waitFor(() => {
      const calls = discord.callsTo('POST', new RegExp(`^/channels/${dm}/messages$`));
      return calls.length >= 2 && calls;
    }, 'the retried post');
    assert.equal(posts.length, 2, 'one refused, one retried');
    assert.match(String(posts[1]!.body?.content), /Answer to: rate limited\?/);
  });

  test('a long answer is split at 2,000 characters without breaking the code block', async () => {
    discord.userMessage(CHANNEL, `<@${BOT.id}> long code please`, { mention: true });
    const last = await discord.waitFor(() => discord.callsTo('POST', /^\/channels\/\d+\/messages$/).find((c) => String(c.body?.content).includes('Done.')), 'last part');
    const threadId = /^\/channels\/(\d+)\//.exec(last.path)![1];
    const parts = discord.callsTo('POST', new RegExp(`^/channels/${threadId}/messages$`)).map((c) => String(c.body?.content));
    assert.ok(parts.length >= 2, `${parts.length} parts`);
    for (const p of parts) {
      assert.ok(p.length <= 2000, `part of ${p.length}`);
      assert.equal((p.match(/```/g) ?? []).length % 2, 0, 'fences balanced');
    }
    assert.ok(parts.slice(1).every((p) => !p.startsWith('```') || p.startsWith('```python')), 'reopened with its language');
    assert.ok(last.body?.components, 'buttons on the last part');
  });

  test('/ask is deferred at once, then the reply is edited with the answer', async () => {
    const { id, token } = discord.interaction(2, { id: nextId(), name: 'ask', type: 1, options: [{ name: 'question', type: 3, value: 'what is understudy?' }] });
    const callback = await discord.waitFor(() => discord.callsTo('POST', new RegExp(`^/interactions/${id}/${token}/callback$`))[0], 'deferred reply');
    assert.equal(callback.body?.type, 5);
    const edits = () => discord.callsTo('PATCH', new RegExp(`^/webhooks/${APP_ID}/${token}/messages/(?:@|%40)original$`));
    const edit = await discord.waitFor(() => edits().find((c) => String(c.body?.content).includes('Answer to')), 'edited reply');
    assert.equal(edits()[0]!.body?.content, 'Thinking… step 1 of 2', 'progress shown in the deferred reply first');
    assert.match(String(edit.body?.content), /Answer to: what is understudy\?/);
    assert.ok(edit.body?.components);
  });

  test('👎 on a student answer updates the message, records feedback and follows up with the teacher', async () => {
    const logId = 'student-99';
    const message = { id: nextId(), type: 0, channel_id: CHANNEL, author: BOT, content: 'an answer', embeds: [], components: [], attachments: [], mentions: [], mention_roles: [], mention_everyone: false, pinned: false, tts: false, timestamp: new Date().toISOString(), edited_timestamp: null, flags: 0 };
    const { id, token } = discord.interaction(3, { custom_id: `feedback:down:${logId}`, component_type: 2 }, message);
    const callback = await discord.waitFor(() => discord.callsTo('POST', new RegExp(`^/interactions/${id}/${token}/callback$`))[0], 'update');
    assert.equal(callback.body?.type, 7);
    await discord.waitFor(() => answerer.feedbacks.find((f) => f.logId === logId), 'feedback');
    assert.deepEqual(answerer.feedbacks.find((f) => f.logId === logId), { logId, user: USER.id, value: 'down', surface: 'discord' });
    const followUps = await discord.waitFor(() => {
      const calls = discord.callsTo('POST', new RegExp(`^/webhooks/${APP_ID}/${token}$`));
      return calls.length >= 2 && calls;
    }, 'follow-ups');
    assert.match(String(followUps[0]!.body?.content), /feedback recorded/);
    assert.match(String(followUps[1]!.body?.content), /Teacher re-answer for student-99/);
  });

  test('after the gateway drops, the client resumes the session and keeps answering', async () => {
    const resumesBefore = discord.received.filter((f) => f.op === 6).length;
    discord.drop(4000);
    await discord.waitFor(() => discord.received.filter((f) => f.op === 6).length > resumesBefore && discord.connections > 0, 'RESUME', 15_000);
    const resume = discord.received.filter((f) => f.op === 6).at(-1)!.d as { session_id: string; token: string };
    assert.equal(resume.session_id, 'session-1');
    await new Promise((r) => setTimeout(r, 100));
    const dm = nextId();
    discord.userMessage(dm, 'still there?', { guild: false });
    const answer = await discord.waitFor(() => discord.callsTo('POST', new RegExp(`^/channels/${dm}/messages$`))[0], 'answer after resume');
    assert.match(String(answer.body?.content), /still there\?/);
  });
});
