import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { AgentAnswerer, APOLOGY } from '../../agent/answerer.ts';
import { loadStudent } from '../../agent/index.ts';
import type { LocalModel } from '../../engine/index.ts';
import { createTeacher, type Teacher } from '../../agent/teacher.ts';
import type { Config } from '../../config/index.ts';
import { disposeModels } from '../../engine/index.ts';
import { resolveModel } from '../../models/index.ts';
import { openRetriever, type Retriever } from '../../retrieval/index.ts';
import { SqliteLogStore } from '../../store/index.ts';
import { agentTestConfig, freePort, llamaServerPython, sharedData, startLlamaServer, tempDir } from './helpers.ts';

const COLLECTION = 'agent-test-handbook';
const ROBE = 'A robe takes 2 bolts of blue fiber and half that much white fiber.  How many bolts in total does it take?';

let config: Config;
let store: SqliteLogStore;
let retriever: Retriever;
let student: LocalModel;
const teachers: Teacher[] = [];
const logs: string[] = [];

/** A router over the shared student and store, with its own config (and so its own teacher). */
function answerer(cfg: Config = config): AgentAnswerer {
  let teacher: Promise<Teacher | null> | undefined;
  return new AgentAnswerer({
    config: cfg,
    store,
    retriever,
    student,
    teacher: () =>
      (teacher ??= createTeacher(cfg).then((t) => {
        if (t) teachers.push(t);
        return t;
      })),
    teacherName: cfg.teacher.provider === 'local' ? cfg.models.teacher : `${cfg.teacher.provider}:${cfg.teacher.model ?? 'default'}`,
    log: (line) => logs.push(line),
  });
}

before(async () => {
  config = agentTestConfig();
  store = new SqliteLogStore(path.join(tempDir('store'), 'understudy.db'));
  retriever = await openRetriever(config);
  await retriever.ingest([path.join(sharedData, 'kb', 'handbook', 'benefits-and-perks.md')], { collection: COLLECTION });
  student = await loadStudent(config, config.agent.sagN);
});

after(async () => {
  await student?.close();
  for (const t of teachers) await t.close();
  await retriever?.close();
  await store?.close();
  await disposeModels();
});

test('a handbook question is answered through search, with its sources logged', async () => {
  const r = await answerer().ask({
    question: 'Search the handbook: how many weeks of paid parental leave does a primary caregiver get?',
    surface: 'cli',
    collection: COLLECTION,
    sagN: 1,
    allowTeacher: false,
  });
  const detail = (await store.getQuestion(r.logId))!;
  const traj = detail.trajectories.find((t) => t.role === 'student')!;
  const searched = traj.steps.find((s) => s.code?.includes('search(') && s.observation.includes('Retrieved documents'));
  assert.ok(searched, `the student searched: ${JSON.stringify(traj.steps.map((s) => s.code))}`);
  assert.ok(searched.sources?.some((s) => s.source.endsWith('benefits-and-perks.md')), 'the search step records its sources');
  // The answer's sources are the passages that support it; an answer they do not support is not accepted.
  if (r.sources.length === 0) assert.doesNotMatch(r.reason, /^the student answered/, 'an answer without support is never accepted as it is');
  else assert.ok(r.sources.every((s) => s.source.endsWith('benefits-and-perks.md')));
  assert.equal(detail.question.status, 'answered');
  assert.equal(detail.question.reason, r.reason);
  console.error(`handbook answer: ${r.answer} (${r.reason})`);
});

test('a GSM8K question is worked out in a code action in the sandbox', async () => {
  const r = await answerer().ask({ question: ROBE, surface: 'eval', sagN: 1, allowTeacher: false });
  const traj = (await store.getQuestion(r.logId))!.trajectories[0]!;
  const computed = traj.steps.find((s) => s.code && !s.error && /(^|\D)3(\.0)?(\D|$)/.test(s.observation));
  assert.ok(computed, `a code action computed 3: ${JSON.stringify(traj.steps.map((s) => [s.code, s.observation]))}`);
  assert.ok(traj.promptTokens > 0 && traj.completionTokens > 0);
  assert.equal(traj.model, 'student');
});

test('SAG samples N candidates on one context, runs each on its own fork and keeps the majority', async () => {
  const r = await answerer().ask({ question: ROBE, surface: 'eval', sagN: 3, allowTeacher: false });
  const step = (await store.getQuestion(r.logId))!.trajectories[0]!.steps[0]!;
  const cands = step.candidates!;
  assert.equal(cands.length, 3);
  const chosen = cands.filter((c) => c.chosen);
  assert.equal(chosen.length, 1);
  const top = Math.max(...cands.map((c) => c.votes));
  const winner = cands.findIndex((c) => c.votes === top && (top === 0 || c.voteKey === chosen[0]!.voteKey));
  assert.equal(cands.indexOf(chosen[0]!), top === 0 ? 0 : winner, 'largest group, earliest member');
  assert.equal(step.agreement, top / 3);
  for (const c of cands) assert.equal(c.voteKey === null, c.votes === 0);
});

test('a failing student escalates to the local GGUF teacher, with the reason and both trajectories logged', async () => {
  const failing = agentTestConfig({ 'agent.maxSteps': 1, 'agent.maxTokensPerStep': 24 });
  const r = await answerer(failing).ask({ question: ROBE, surface: 'cli', sagN: 1 });
  assert.match(r.reason, /no final answer within 1 steps|failed steps/);
  const detail = (await store.getQuestion(r.logId))!;
  assert.deepEqual(detail.trajectories.map((t) => t.role).sort(), ['student', 'teacher']);
  const teacher = detail.trajectories.find((t) => t.role === 'teacher')!;
  assert.equal(teacher.model, 'tiny');
  assert.ok(teacher.steps.length >= 1);
  assert.equal(detail.question.reason, r.reason);
  assert.ok(logs.some((l) => l.includes(r.logId) && l.includes('escalate')));
});

test('teacher outage: refused connection, HTTP 503 and a hung server end in an apology, never a hang or a crash', async () => {
  const closed = await freePort();
  const s503: Server = createServer((_, res) => res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":{"message":"overloaded"}}'));
  const hung: Server = createServer(() => undefined);
  await new Promise<void>((ok) => s503.listen(0, '127.0.0.1', ok));
  await new Promise<void>((ok) => hung.listen(0, '127.0.0.1', ok));
  try {
    for (const [port, why] of [[closed, /ECONNREFUSED|Connection error|connect/i], [(s503.address() as { port: number }).port, /503/], [(hung.address() as { port: number }).port, /timed out/]] as const) {
      const cfg = agentTestConfig({ 'teacher.provider': 'openai', 'teacher.baseUrl': `http://127.0.0.1:${port}/v1`, 'teacher.timeoutMs': 1500 });
      const t0 = Date.now();
      const r = await answerer(cfg).ask({ question: 'What is our travel policy?', surface: 'cli', forceTeacher: true });
      assert.ok(Date.now() - t0 < 15_000, 'answers quickly');
      assert.equal(r.answer, APOLOGY);
      assert.equal(r.unverified, true);
      assert.match(r.reason, why);
      assert.equal((await store.getQuestion(r.logId))!.question.status, 'answered');
    }
  } finally {
    s503.close();
    hung.close();
    hung.closeAllConnections();
  }
});

test('the OpenAI-compatible teacher path against a real llama.cpp server on 127.0.0.1', async (t) => {
  const python = llamaServerPython(config);
  if (!python) return t.skip('run deploy/setup-agent-test.sh to install the llama.cpp server (xllamacpp)');
  const server = await startLlamaServer(python, await resolveModel(config, 'tiny'));
  try {
    const cfg = agentTestConfig({ 'teacher.provider': 'openai', 'teacher.baseUrl': `${server.url}/v1`, 'teacher.model': 'smollm2', 'teacher.firstThought': 'plan', 'agent.maxSteps': 1, 'agent.maxTokensPerStep': 48 });
    const r = await answerer(cfg).ask({ question: 'What is 6 times 7?', surface: 'cli', forceTeacher: true });
    const detail = (await store.getQuestion(r.logId))!;
    const traj = detail.trajectories.find((x) => x.role === 'teacher')!;
    assert.equal(traj.model, 'openai:smollm2');
    assert.ok(traj.completionTokens > 0, 'token usage comes back from the server');
    assert.equal(typeof traj.firstThought, 'string', 'the first-thought prefix came from the same server');
    assert.equal(r.route, 'teacher');
  } finally {
    server.proc.kill();
  }
});

test('a 👎 on a student answer re-asks the teacher on the same record (here unreachable: an apology, logged)', async () => {
  const id = await store.createQuestion({ text: 'What is our travel policy?', surface: 'slack', user: 'u1', channel: 'c1' });
  await store.finishQuestion(id, { status: 'answered', route: 'student', reason: 'the student answered in 1 step', answer: 'Book anything.', abstained: false, unverified: false, sources: [], latencyMs: 10, error: null });
  const cfg = agentTestConfig({ 'teacher.provider': 'openai', 'teacher.baseUrl': `http://127.0.0.1:${await freePort()}/v1`, 'teacher.timeoutMs': 1500 });
  const r = await answerer(cfg).feedback(id, 'u1', 'down', 'slack');
  assert.ok(r);
  assert.equal(r.logId, id);
  assert.match(r.reason, /👎/);
  assert.equal(r.unverified, true);
  const detail = (await store.getQuestion(id))!;
  assert.equal(detail.feedback.length, 1);
  assert.equal(detail.feedback[0]!.value, 'down');
  assert.equal(detail.question.reason, r.reason);
  assert.equal(await answerer(cfg).feedback(id, 'u2', 'up', 'slack'), undefined);
});

test('a 👎 delivered twice under one feedback id (its worker died) is recorded once and re-asks once', async () => {
  const id = await store.createQuestion({ text: 'What is our hotel policy?', surface: 'slack', user: 'u1', channel: 'c1' });
  await store.finishQuestion(id, { status: 'answered', route: 'student', reason: 'the student answered in 1 step', answer: 'Any hotel.', abstained: false, unverified: false, sources: [], latencyMs: 10, error: null });
  const cfg = agentTestConfig({ 'teacher.provider': 'openai', 'teacher.baseUrl': `http://127.0.0.1:${await freePort()}/v1`, 'teacher.timeoutMs': 1500 });
  const reasks = () => logs.filter((l) => l.startsWith(`question ${id}:`)).length;
  const first = await answerer(cfg).feedback(id, 'u1', 'down', 'slack', 'fb-job-1');
  const asked = reasks();
  assert.ok(asked > 0, 'the first delivery re-asked the teacher');
  const again = await answerer(cfg).feedback(id, 'u1', 'down', 'slack', 'fb-job-1');
  assert.equal(reasks(), asked, 'no second re-ask');
  assert.equal(again?.answer, first?.answer);
  assert.equal(again?.reason, first?.reason);
  assert.equal((await store.getQuestion(id))!.feedback.length, 1);
});
