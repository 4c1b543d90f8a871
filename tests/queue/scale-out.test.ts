// Two `serve --role bots` processes (the real Slack bot, driven through signed HTTP deliveries and a
// local Web API) and two `serve --role worker` processes on the tiny model, sharing a real Redis
// and a real PostgreSQL log store: questions answered once each, a worker killed mid-answer, Redis
// restarted.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { after, before, test } from 'node:test';
import { loadConfig, repoRoot } from '../../config/index.ts';
import { BUSY, FAILED } from '../../bots/format.ts';
import { openStore } from '../../store/index.ts';
import { BOT_USER, FakeSlackApi, blockAction, deliver, eventEnvelope } from '../bots/fixtures/slack-api.ts';
import { SECRET } from '../bots/fixtures/slack-app.ts';
import { tinyConfigFile } from '../bots/fixtures/tiny-config.ts';
import { startPostgres, startRedis, type PostgresServer, type RedisServer } from '../services.ts';

interface Proc {
  child: ChildProcess;
  log: () => string;
  exited: Promise<number | null>;
}

function serve(role: string, config: string, env: Record<string, string> = {}): Proc {
  const child = spawn(process.execPath, ['--import', 'tsx', 'cli/main.ts', '--config', config, 'serve', '--role', role], {
    cwd: repoRoot, env: { ...process.env, UNDERSTUDY_ENGINE_THREADS: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  return { child, log: () => out, exited: new Promise((resolve) => child.on('close', resolve)) };
}

type Blocks = { type: string; elements?: { action_id?: string; value?: string }[] }[];

/** What each thread got: "Thinking…" posts, answers (their log ids), busy and failed notices, progress lines; a 👎's re-answer is not counted. */
function threads(api: FakeSlackApi) {
  const threadOf = new Map(api.callsTo('chat.postMessage').map((c) => [String(c.result.ts), String(c.args.thread_ts)]));
  const seen = new Map<string, { posts: number; answers: string[]; busy: number; failed: number; progress: string[] }>();
  const get = (t: string) => seen.get(t) ?? seen.set(t, { posts: 0, answers: [], busy: 0, failed: 0, progress: [] }).get(t)!;
  for (const c of api.callsTo('chat.postMessage')) get(String(c.args.thread_ts)).posts++;
  for (const u of api.callsTo('chat.update')) {
    const t = get(threadOf.get(String(u.args.ts)) ?? '?');
    const buttons = (u.args.blocks as Blocks | undefined)?.find((b) => b.type === 'actions')?.elements;
    if (JSON.stringify(u.args.blocks).includes("The teacher's answer")) continue;
    if (buttons?.[0]?.action_id === 'feedback_up') t.answers.push(buttons[0].value!);
    else if (u.args.text === BUSY) t.busy++;
    else if (u.args.text === FAILED) t.failed++;
    else t.progress.push(String(u.args.text));
  }
  return seen;
}

let redis: RedisServer;
let postgres: PostgresServer;
let api: FakeSlackApi;
let config: string;
let bots: Proc;
/** A second bots process, as behind a load balancer: Slack may send an event's retry to either. */
let bots2: Proc;
let workers: Proc[];
let slackUrl: string;
let slackUrl2: string;
let n = 0;
/** The question whose worker was killed. */
let retried = '';
/** The question rated 👍 and 👎. */
let rated = '';

const answering = (p: Proc) => (p.log().match(/: answering/g) ?? []).length;

async function ask(user: string, text: string): Promise<string> {
  const ts = `${1_880_000_000 + ++n}.000100`;
  const res = await deliver(slackUrl, eventEnvelope({ type: 'app_mention', user, channel: `C${n}`, text: `<@${BOT_USER}> ${text}`, ts }), { secret: SECRET });
  assert.equal(res.status, 200);
  return ts;
}

const settled = (ts: string) => {
  const t = threads(api).get(ts);
  return t && t.answers.length + t.busy + t.failed > 0 ? t : undefined;
};

before(async () => {
  [redis, postgres] = await Promise.all([startRedis(), startPostgres()]);
  api = await new FakeSlackApi().start();
  config = tinyConfigFile({ store: { url: postgres.url }, queue: { url: redis.url, concurrency: 1, lockMs: 3000 }, bots: { queueSize: 8, perUserConcurrency: 1 } });
  const slackEnv = { SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: SECRET, UNDERSTUDY_SLACK_PORT: '0', UNDERSTUDY_TEST_SLACK_API_URL: api.url };
  [bots, bots2] = [serve('bots', config, slackEnv), serve('bots', config, slackEnv)];
  workers = [serve('worker', config), serve('worker', config)];
  slackUrl = await api.waitFor(() => /slack: listening on (\S+)/.exec(bots.log())?.[1], 'the Slack receiver', 60_000);
  slackUrl2 = await api.waitFor(() => /slack: listening on (\S+)/.exec(bots2.log())?.[1], 'the second Slack receiver', 60_000);
  for (const w of workers) await api.waitFor(() => w.log().includes('worker: answering questions from'), `a worker ready; its log:\n${w.log()}`, 90_000);
});

after(async () => {
  if (process.env.SCALE_OUT_LOGS) for (const p of [bots, ...workers]) console.log(p.log());
  for (const p of [bots, bots2, ...workers]) p?.child.kill('SIGKILL');
  await api?.stop();
  await redis?.stop();
  await postgres?.stop();
});

test('three questions at once: each answered once, by both workers, with progress from the remote worker', { timeout: 90_000 }, async () => {
  const asked = await Promise.all(['U1', 'U2', 'U3'].map((u) => ask(u, `What is ${u.slice(1)} + 1?`)));
  for (const ts of asked) await api.waitFor(() => settled(ts), `the answer in thread ${ts}`, 80_000);
  const seen = threads(api);
  for (const ts of asked) {
    const t = seen.get(ts)!;
    assert.equal(t.posts, 1, 'one "Thinking…" message');
    assert.equal(t.answers.length, 1, `one answer; thread: ${JSON.stringify(t)}`);
  }
  assert.ok(asked.some((ts) => seen.get(ts)!.progress.some((p) => /step \d of 2/.test(p))), 'a progress edit from a worker');
  for (const w of workers) assert.match(w.log(), /question [0-9a-f-]{36}: answering/, 'both workers answered');
});

test('a Slack event that reaches both bots processes (a retry sent to the other one) is answered once', { timeout: 60_000 }, async () => {
  const ts = `${1_880_000_000 + ++n}.000100`;
  const envelope = eventEnvelope({ type: 'app_mention', user: 'U8', channel: `C${n}`, text: `<@${BOT_USER}> What is 8 + 8?`, ts });
  for (const url of [slackUrl, slackUrl2]) assert.equal((await deliver(url, envelope, { secret: SECRET })).status, 200);
  await api.waitFor(() => settled(ts), 'the answer', 50_000);
  await new Promise((r) => setTimeout(r, 1000)); // room for a second answer, were there one
  const t = threads(api).get(ts)!;
  assert.equal(t.posts, 1, `one "Thinking…" message; thread: ${JSON.stringify(t)}`);
  assert.equal(t.answers.length, 1);
});

test('a worker killed mid-answer: another answers the question once, logged once with 2 attempts', { timeout: 60_000 }, async () => {
  const before = workers.map(answering);
  const ts = await ask('U4', 'What is 4 + 4?');
  const holder = await api.waitFor(() => workers.find((w, i) => answering(w) > before[i]!), 'a worker to take it', 20_000);
  holder.child.kill('SIGKILL');
  const id = (retried = [...holder.log().matchAll(/question ([0-9a-f-]{36}): answering/g)].at(-1)![1]!);
  assert.doesNotMatch(holder.log(), new RegExp(`question ${id}: answered`), 'killed mid-answer');
  const survivor = workers.find((w) => w !== holder)!;
  const t = await api.waitFor(() => settled(ts), 'the re-delivered answer', 50_000);
  assert.deepEqual(t.answers, [id], `one answer, under the question's id; thread: ${JSON.stringify(t)}`);
  assert.match(survivor.log(), new RegExp(`question ${id}: answering \\(delivery 2`));
  workers = [survivor];
});

test('Redis restarted hard mid-run: a question meanwhile is told to wait, queued ones are answered after, new ones too', { timeout: 90_000 }, async () => {
  const before = answering(workers[0]!);
  const queued = [await ask('U5', 'What is 5 + 5?')];
  await api.waitFor(() => answering(workers[0]!) > before, 'the worker on it', 20_000);
  queued.push(await ask('U6', 'What is 6 + 6?'));
  await api.waitFor(() => threads(api).get(queued[1]!)?.progress.some((p) => p.startsWith('Queued')), 'the second one waiting in the queue', 10_000);
  const restarting = redis.restart({ hard: true, downMs: 2000 });
  await new Promise((r) => setTimeout(r, 300));
  const during = await ask('U7', 'What is 7 + 7?');
  const told = await api.waitFor(() => settled(during), 'an answer while Redis is down', 5000);
  assert.equal(told.busy, 1, `told to wait; thread: ${JSON.stringify(told)}`);
  await restarting;
  for (const ts of queued) assert.equal((await api.waitFor(() => settled(ts), `queued thread ${ts}`, 60_000)).answers.length, 1);
  const later = await ask('U8', 'What is 8 + 8?');
  assert.equal((await api.waitFor(() => settled(later), 'an answer after the restart', 40_000)).answers.length, 1);
});

test('👍 and 👎 go through the queue to a worker; the 👎 re-asks (no teacher here: the fallback) and its answer is posted', { timeout: 30_000 }, async () => {
  const answer = api.callsTo('chat.update').find((c) => JSON.stringify(c.args.blocks).includes('feedback_up'))!;
  rated = (answer.args.blocks as Blocks).find((b) => b.type === 'actions')!.elements![0]!.value!;
  const channel = String(answer.args.channel);
  const message = { type: 'message', ts: answer.args.ts, user: BOT_USER, bot_id: 'BBOT', text: answer.args.text, blocks: answer.args.blocks };
  for (const [user, actionId] of [['UX', 'feedback_up'], ['UY', 'feedback_down']] as const) {
    assert.equal((await deliver(slackUrl, blockAction({ user, channel, message, actionId, value: rated }), { secret: SECRET })).status, 200);
    await api.waitFor(() => api.callsTo('chat.update').find((c) => JSON.stringify(c.args.blocks).includes(`from <@${user}>, thanks`)), `${user}'s rating recorded`, 20_000);
  }
  await api.waitFor(() => api.callsTo('chat.update').find((c) => c.args.channel === channel && JSON.stringify(c.args.blocks).includes("The teacher's answer")), "the 👎's re-answer", 20_000);
});

test('the log holds one record per question, none lost; SIGTERM stops bots and the worker cleanly', { timeout: 30_000 }, async () => {
  const answered = [...threads(api).values()].flatMap((t) => t.answers);
  for (const p of [bots, ...workers]) p.child.kill('SIGTERM');
  for (const p of [bots, ...workers]) assert.equal(await p.exited, 0, p.log().slice(-2000));
  const store = await openStore(loadConfig({ file: config }));
  try {
    const { items } = await store.listQuestions({}, { offset: 0, limit: 100 });
    assert.equal(new Set(answered).size, answered.length, 'no question answered twice');
    assert.deepEqual(items.map((q) => q.id).sort(), [...answered].sort(), 'one record per answered question, none extra');
    assert.ok(items.every((q) => q.status === 'answered'), 'none left pending');
    assert.equal(items.find((q) => q.id === retried)?.attempts, 2, 'the retry is noted');
    const feedback = (await store.getQuestion(rated))!.feedback;
    assert.deepEqual(feedback.map((f) => [f.user, f.value]).sort(), [['UX', 'up'], ['UY', 'down']], 'each rating recorded once');
    assert.ok(feedback.every((f) => /^[0-9a-f-]{36}$/.test(f.id)), 'under its job id');
  } finally {
    await store.close();
  }
});
