import assert from 'node:assert/strict';
import path from 'node:path';
import { after, test } from 'node:test';
import { AgentAnswerer } from '../../agent/answerer.ts';
import { ContextFullError, contextFullOf } from '../../agent/context-full.ts';
import type { ActionModel, ChatTurn, GenerateOptions, Generation } from '../../agent/llm.ts';
import { decide } from '../../agent/router.ts';
import { runQuestion } from '../../agent/run.ts';
import { loadStudent } from '../../agent/index.ts';
import type { LocalModel } from '../../engine/index.ts';
import { TeacherUnavailableError } from '../../agent/teacher.ts';
import { disposeModels } from '../../engine/index.ts';
import { SqliteLogStore } from '../../store/index.ts';
import { agentTestConfig, askJson, freePort, tempDir } from './helpers.ts';

// Each step differs (a repeated one would stall the run before the context fills).
const step = (turns: number) => `Thought: look at it first\n\`\`\`js\nprint("still thinking ${turns}")\n\`\`\``;

/**
 * A scripted model with a context measured in turns: `fits(turns, maxTokens)` says whether a call
 * fits; when it does not, it throws what `overflow` makes of a ContextFullError.
 */
class FakeModel implements ActionModel {
  readonly name = 'fake';
  readonly adapter = null;
  calls = 0;
  constructor(
    private readonly fits: (turns: number, maxTokens: number) => boolean,
    private readonly overflow: (e: ContextFullError) => Error = (e) => e,
  ) {}

  async generate(turns: ChatTurn[], opts: GenerateOptions): Promise<Generation> {
    this.calls++;
    if (!this.fits(turns.length, opts.maxTokens)) throw this.overflow(new ContextFullError(turns.length * 100, opts.maxTokens, 1000));
    const memory = turns.at(-1)!.content.includes('final answer');
    return { texts: [memory ? 'Final answer: 42' : step(turns.length)], promptTokens: turns.length * 100, completionTokens: 10, prefillMs: 0, decodeMs: 0 };
  }
}

// A step's prompt has 2 + 2i turns (system, task, then an assistant turn and an observation per
// step); the answer-from-memory call adds one turn and asks for at most 96 tokens.
const config = agentTestConfig({ 'agent.maxSteps': 5 });
const run = (model: ActionModel, maxSteps = 5) => runQuestion({ ...config, agent: { ...config.agent, maxSteps } }, null, 'student', model, { question: 'What is 6 times 7?' }, 1);

test('context overflow on the third step: the two steps done stay, the answer from memory still fits', async () => {
  const r = await run(new FakeModel((turns, max) => turns + (max > 96 ? 2 : 0) <= 7));
  assert.equal(r.outcome, 'context_full');
  assert.deepEqual(r.contextFull, { afterSteps: 2, promptTokens: 600, contextSize: 1000 });
  assert.equal(r.steps.length, 3);
  assert.deepEqual(r.steps.slice(0, 2).map((s) => s.observation.includes('still thinking')), [true, true]);
  assert.equal(r.steps[2]!.code, null);
  assert.match(r.steps[2]!.observation, /from memory: the conversation no longer fits the context/);
  assert.equal(r.finalAnswer, '42');
  assert.deepEqual(decide(r, config.router, 5, false), { escalate: true, reason: 'context full after 2 steps' });
});

test('context overflow where the answer from memory does not fit either: no answer, the steps kept', async () => {
  const model = new FakeModel((turns, max) => turns + (max > 96 ? 2 : 0) <= 6);
  const r = await run(model);
  assert.equal(model.calls, 4, 'two steps, the overflowing third, the answer from memory');
  assert.equal(r.outcome, 'context_full');
  assert.equal(r.finalAnswer, null);
  assert.equal(r.steps.length, 2);
  assert.equal(decide(r, config.router, 5, false).reason, 'context full after 2 steps');
});

test('the answer from memory after max steps that no longer fits ends the run as context_full too', async () => {
  const r = await run(new FakeModel((turns, max) => max > 96 && turns <= 6), 2);
  assert.equal(r.outcome, 'context_full');
  assert.equal(r.steps.length, 2);
  assert.equal(r.finalAnswer, null);
  assert.equal(decide(r, config.router, 2, false).reason, 'context full after 2 steps');
});

test("the local teacher's overflow comes back wrapped (a ContextFullError as the cause) and is still a context_full end; other errors still throw", async () => {
  const wrapped = (e: ContextFullError) => new TeacherUnavailableError(`the teacher (tiny) is unavailable: ${e.message}`, { cause: e });
  const r = await run(new FakeModel((turns) => turns <= 2, wrapped));
  assert.equal(r.outcome, 'context_full');
  assert.equal(r.contextFull?.afterSteps, 1);
  assert.ok(contextFullOf(wrapped(new ContextFullError(1, 2, 3))) instanceof ContextFullError);
  assert.equal(contextFullOf(new Error('the conversation (9 tokens) no longer fits the model\'s context (8)')), null, 'the type decides, not the message');
  const outage = new FakeModel((turns) => turns <= 2, () => new TeacherUnavailableError('the teacher is unavailable: HTTP 503'));
  await assert.rejects(run(outage), TeacherUnavailableError);
});

// The real tiny model with a 768-token context: the student's short prompt is ~460 tokens and a
// step asks for 160 more, so the second step no longer fits (before the tiny model, which repeats
// itself, could stall).
const small = { 'models.student': 'tiny', 'models.contextSize': 768, 'agent.maxTokensPerStep': 160, 'agent.maxSteps': 5, 'agent.sagN': 1 };
let student: LocalModel | undefined;
let store: SqliteLogStore | undefined;
after(async () => {
  await student?.close();
  await store?.close();
  await disposeModels();
});

test('tiny model, small context: the student run ends context_full, its steps logged, and the router says so', async () => {
  const cfg = agentTestConfig({ ...small, 'teacher.provider': 'none' });
  student = await loadStudent(cfg, 1);
  store = new SqliteLogStore(path.join(tempDir('ctx-store'), 'understudy.db'));
  const logs: string[] = [];
  const answerer = new AgentAnswerer({ config: cfg, store, retriever: null, student, teacher: async () => null, teacherName: null, log: (l) => logs.push(l) });
  const r = await answerer.ask({ question: 'A robe takes 2 bolts of blue fiber and half that much white fiber. How many bolts in total does it take?', surface: 'cli' });
  const detail = (await store.getQuestion(r.logId))!;
  const traj = detail.trajectories.find((t) => t.role === 'student')!;
  assert.equal(traj.outcome, 'context_full', `steps: ${JSON.stringify(traj.steps.map((s) => [s.promptTokens, s.completionTokens]))}`);
  const k = Number(/context full after (\d+) steps?/.exec(r.reason)?.[1]);
  assert.ok(k >= 1 && k < 5, r.reason);
  assert.ok(traj.steps.length >= k, 'the steps done before the overflow are logged');
  assert.ok(traj.steps.slice(0, k).every((s) => s.promptTokens > 0 && s.completionTokens > 0));
  assert.ok(traj.promptTokens > 0 && traj.completionTokens > 0);
  assert.equal(detail.question.status, 'answered');
  assert.equal(detail.question.reason, r.reason);
  assert.equal(r.route, 'student', 'no teacher: the best attempt');
  assert.equal(r.unverified, true);
  assert.match(r.reason, /no teacher is configured/);
  assert.ok(logs.some((l) => l.includes(r.logId) && l.includes('context full after')));
});

test('understudy ask --json on a question that outgrows the context: valid JSON, route teacher, never a crash', async () => {
  const data = tempDir('ctx-cli');
  const out = askJson('What is 17 times 23, plus the number of days in a leap year?', ['--sag', '1'], {
    UNDERSTUDY_DATA_DIR: data,
    CHROMA_URL: `http://127.0.0.1:${await freePort()}`,
    UNDERSTUDY_MODELS_STUDENT: 'tiny',
    UNDERSTUDY_MODELS_TEACHER: 'tiny',
    UNDERSTUDY_TEACHER_PROVIDER: 'local',
    UNDERSTUDY_AGENT_MAX_STEPS: '5',
    UNDERSTUDY_AGENT_MAX_TOKENS_PER_STEP: '160',
    UNDERSTUDY_MODELS_CONTEXT_SIZE: '768',
  }) as { route: string; reason: string; answer: string; log_id: string };
  assert.equal(out.route, 'teacher', JSON.stringify(out));
  assert.match(out.reason, /^context full after \d+ steps?$/);
  assert.equal(typeof out.answer, 'string');
  const db = new SqliteLogStore(path.join(data, 'understudy.db'));
  try {
    const detail = (await db.getQuestion(out.log_id))!;
    const traj = detail.trajectories.find((t) => t.role === 'student')!;
    assert.equal(traj.outcome, 'context_full');
    assert.ok(traj.steps.length >= 1);
    // The teacher (the tiny model with the long prompt) outgrows the same context: logged as such, not a crash.
    assert.equal(detail.trajectories.find((t) => t.role === 'teacher')?.outcome, 'context_full');
  } finally {
    await db.close();
  }
});
