// Load test: 50 users mention the bot at once through the Slack HTTP path (signed deliveries to
// the real Bolt app, a local Web API server, a scripted answerer standing in for the agent).
// Every question must end answered or told to wait; none lost. Prints the counts and peak RSS.
import { BUSY } from '../bots/format.ts';
import { configSchema } from '../config/index.ts';
import { BOT_USER, deliver, eventEnvelope } from '../tests/bots/fixtures/slack-api.ts';
import { SECRET, startSlack } from '../tests/bots/fixtures/slack-app.ts';
import { ScriptedAnswerer } from '../tests/bots/fixtures/answerer.ts';

const USERS = Number(process.env.BENCH_USERS ?? 50);
const ANSWER_MS = Number(process.env.BENCH_ANSWER_MS ?? 300);
const { bots } = configSchema.parse({ bots: { workers: Number(process.env.BENCH_WORKERS ?? 2) } });

let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
const rssBefore = process.memoryUsage().rss;

const env = await startSlack(new ScriptedAnswerer({ delayMs: ANSWER_MS }), bots);
const started = Date.now();
const threads = Array.from({ length: USERS }, (_, i) => `${1_900_000_000 + i}.000300`);
const ackMs: number[] = [];
const statuses = await Promise.all(
  threads.map(async (ts, i) => {
    const t0 = Date.now();
    const res = await deliver(env.slack.url!, eventEnvelope({ type: 'app_mention', user: `U${1000 + i}`, channel: 'CLOAD', text: `<@${BOT_USER}> question ${i}`, ts }), { secret: SECRET });
    ackMs.push(Date.now() - t0);
    return res.status;
  }),
);

// Each thread gets one "Thinking…" reply, later edited into the answer (with buttons) or the busy notice.
type Final = 'answered' | 'told to wait';
const states = new Map<string, Final>();
const deadline = Date.now() + 120_000;
while (Date.now() < deadline && states.size < USERS) {
  const threadOf = new Map(env.api.callsTo('chat.postMessage').map((c) => [String(c.result.ts), String(c.args.thread_ts)]));
  for (const u of env.api.callsTo('chat.update')) {
    const thread = threadOf.get(String(u.args.ts));
    if (!thread) continue;
    if (JSON.stringify(u.args.blocks).includes('feedback_up')) states.set(thread, 'answered');
    else if (u.args.text === BUSY) states.set(thread, 'told to wait');
  }
  await new Promise((r) => setTimeout(r, 50));
}
const elapsed = (Date.now() - started) / 1000;
const answered = [...states.values()].filter((s) => s === 'answered').length;
const waited = [...states.values()].filter((s) => s === 'told to wait').length;
clearInterval(sampler);
await env.close();

ackMs.sort((a, b) => a - b);
const mb = (n: number) => `${(n / 2 ** 20).toFixed(1)} MB`;
console.log(`bots load: ${USERS} users at once through Slack HTTP (Bolt), answer time ${ANSWER_MS} ms, workers ${bots.workers}, queue ${bots.queueSize}, per user ${bots.perUserConcurrency}`);
console.log(`  deliveries acked: ${statuses.filter((s) => s === 200).length}/${USERS}, ack p50 ${ackMs[Math.floor(USERS / 2)]} ms, max ${ackMs.at(-1)} ms`);
console.log(`  answered ${answered}, told to wait ${waited}, lost ${USERS - answered - waited}`);
console.log(`  all settled in ${elapsed.toFixed(1)} s; RSS before ${mb(rssBefore)}, peak ${mb(peakRss)}`);
process.exitCode = USERS - answered - waited === 0 ? 0 : 1;
