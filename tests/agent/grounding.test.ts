// Grounded runs: an answer to a question the documents may answer must come from a search and be
// supported by what it found; a run that repeats itself or does nothing stops at once. A scripted
// action model drives the real loop, sandbox, search tool (real Chroma, real embeddings) and router.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { AgentAnswerer } from '../../agent/answerer.ts';
import { NOT_IN_DOCS, deliverTeacher } from '../../agent/deliver.ts';
import { docsMayAnswer } from '../../agent/grounding.ts';
import type { ActionModel, ChatTurn, GenerateOptions, Generation } from '../../agent/llm.ts';
import { runQuestion } from '../../agent/run.ts';
import { disposeModels } from '../../engine/index.ts';
import { openRetriever, type Retriever } from '../../retrieval/index.ts';
import { SqliteLogStore } from '../../store/index.ts';
import { agentTestConfig, sharedData, tempDir } from './helpers.ts';

const COLLECTION = 'grounding-handbook';
const VACATION = 'What is the most vacation days I can have banked at any time?';

/** Plays its steps in order, one per call (the last again once they run out), and counts the calls. */
class Scripted implements ActionModel {
  readonly name = 'scripted';
  readonly adapter = null;
  calls = 0;
  constructor(private readonly steps: string[]) {}
  async generate(_turns: ChatTurn[], _opts: GenerateOptions): Promise<Generation> {
    const text = this.steps[Math.min(this.calls++, this.steps.length - 1)]!;
    return { texts: [text], promptTokens: 10, completionTokens: 10, prefillMs: 0, decodeMs: 0 };
  }
}
const act = (thought: string, code: string) => `Thought: ${thought}\n\`\`\`js\n${code}\n\`\`\``;

// The router's grounding rules alone; the search opening has its own test below.
const config = agentTestConfig({ 'agent.maxSteps': 5, 'agent.sagN': 1, 'teacher.provider': 'none', 'agent.searchFirst': false });
const defaults = agentTestConfig({ 'agent.maxSteps': 5, 'agent.sagN': 1, 'teacher.provider': 'none' });
let retriever: Retriever;
let store: SqliteLogStore;

before(async () => {
  retriever = await openRetriever(config);
  await retriever.ingest([path.join(sharedData, 'kb', 'handbook', 'benefits-and-perks.md'), path.join(sharedData, 'kb', 'handbook', 'severance.md')], { collection: COLLECTION });
  store = new SqliteLogStore(path.join(tempDir('grounding-store'), 'understudy.db'));
});
after(async () => {
  await retriever?.close();
  await store?.close();
  await disposeModels();
});

function ask(student: ActionModel, question = VACATION, cfg = config) {
  const answerer = new AgentAnswerer({ config: cfg, store, retriever, student, teacher: async () => null, teacherName: null, log: () => {} });
  return answerer.ask({ question, surface: 'cli', collection: COLLECTION, sagN: 1 });
}
const run = (model: ActionModel, question = VACATION, cfg = config) => runQuestion(cfg, retriever, 'student', model, { question, collection: COLLECTION }, 1);

test('the documents may answer a handbook question, not a sum', async () => {
  assert.equal(await docsMayAnswer(retriever, VACATION, COLLECTION, config.router.relevance), true);
  assert.equal(await docsMayAnswer(retriever, 'What is 17 times 23?', COLLECTION, config.router.relevance), false);
  assert.equal(await docsMayAnswer(null, VACATION, COLLECTION, config.router.relevance), false);
});

test('an answer without a search on a question the documents may answer is not accepted', async () => {
  const r = await ask(new Scripted([act('I know this.', 'final_answer("10")')]));
  assert.match(r.reason, /not grounded: it answered without searching the documents/);
  assert.equal(r.unverified, true, 'no teacher here: the attempt is shown as unverified, never as a checked answer');
  assert.deepEqual(r.sources, []);
});

test('a searched answer the passages do not hold is not accepted; one they hold is, citing its document', async () => {
  const search = act('Search the handbook.', 'print(search("vacation days banked maximum"))');
  const wrong = await ask(new Scripted([search, act('It is 45.', 'final_answer("45 days")')]));
  assert.match(wrong.reason, /not grounded: its answer is not in the passages it found/);
  const right = await ask(new Scripted([search, act('The handbook says 27.', 'final_answer("27 days")')]));
  assert.equal(right.route, 'student');
  assert.equal(right.unverified, false);
  assert.match(right.reason, /the student answered in 2 steps/);
  assert.ok(right.sources.length >= 1 && right.sources.every((s) => s.source.endsWith('benefits-and-perks.md')), JSON.stringify(right.sources));
});

test('an answer computed from found numbers cites the passage that holds them', async () => {
  const r = await run(new Scripted([act('Search.', 'print(search("vacation days banked maximum"))'), act('27 banked minus the 10 I used.', 'final_answer(27 - 10)')]), 'I have used 10 of my banked vacation days; how many more could I have banked?');
  assert.equal(r.finalAnswer, '17');
  assert.ok(r.sources.some((s) => s.source.endsWith('benefits-and-perks.md')), JSON.stringify(r.sources));
});

test('a question the documents cannot answer needs no search', async () => {
  const r = await ask(new Scripted([act('Compute it.', 'final_answer(17 * 23)')]), 'What is 17 times 23?');
  assert.equal(r.route, 'student');
  assert.equal(r.answer, '391');
});

test('a repeated action, a repeated observation or a step that does nothing stops the run at once', async () => {
  const same = act('Look.', 'const f = () => 1;\nprint("nothing yet")');
  const repeated = new Scripted([same, same, same]);
  const a = await run(repeated);
  assert.equal(repeated.calls, 2, 'the second, identical step ends the run: no answer from memory for the student');
  assert.equal(a.outcome, 'stalled');
  assert.match(a.stalled!, /step 2 repeated the action of an earlier step/);

  const echo = new Scripted([act('Look.', 'print("x")'), act('Look again.', 'print("x");')]);
  assert.match((await run(echo)).stalled!, /step 2 got the same observation/);

  const idle = new Scripted([act('Define it.', 'function helper(x) { return x + 1; }')]);
  const c = await run(idle);
  assert.equal(idle.calls, 1);
  assert.match(c.stalled!, /step 1 did nothing \(no search, no print, no answer\)/);

  const r = await ask(new Scripted([same, same]));
  assert.match(r.reason, /^the student stalled: step 2 repeated the action/);
  const logged = (await store.getQuestion(r.logId))!.trajectories.find((t) => t.role === 'student')!;
  assert.equal(logged.outcome, 'stalled');
  assert.equal(logged.steps.length, 2);
});

test("the teacher's ungrounded answer is withheld (or marked, by router.ungrounded); a grounded one and an abstention pass", async () => {
  const base = { steps: [], outcome: 'final' as const, errors: 0, agreement: null, stalled: null, latencyMs: 0, promptTokens: 0, completionTokens: 0, modelMs: 0 };
  const guess = { ...base, finalAnswer: '10', searched: false, sources: [] };
  assert.deepEqual(deliverTeacher(guess, true, 'abstain'), { answer: NOT_IN_DOCS, abstained: true, unverified: false, note: "the teacher's answer was withheld: it answered without searching the documents" });
  assert.equal(deliverTeacher(guess, true, 'unverified').unverified, true);
  assert.equal(deliverTeacher(guess, false, 'abstain').answer, '10', 'a question the documents cannot answer needs no source');
  const cited = { ...guess, finalAnswer: '27', searched: true, sources: [{ title: 'PTO', source: 'handbook/benefits-and-perks.md', score: 0.6 }] };
  assert.equal(deliverTeacher(cited, true, 'abstain').note, null);
  assert.equal(deliverTeacher({ ...guess, finalAnswer: "The documents don't say." }, true, 'abstain').answer, "The documents don't say.");
});

test('a question the documents may answer opens with a search for the question itself; a sum does not', async () => {
  const model = new Scripted([act('The handbook says 27.', 'final_answer("27 days")')]);
  const r = await run(model, VACATION, defaults);
  assert.equal(model.calls, 1, 'the opening step is no model call');
  assert.equal(r.steps[0]!.code, `print(search(${JSON.stringify(VACATION)}));`);
  assert.match(r.steps[0]!.observation, /Retrieved documents:[\s\S]*benefits-and-perks\.md/);
  assert.equal(r.searched, true);
  assert.equal(r.finalAnswer, '27 days');
  assert.ok(r.sources.some((s) => s.source.endsWith('benefits-and-perks.md')), JSON.stringify(r.sources));
  const answered = await ask(new Scripted([act('The handbook says 27.', 'final_answer("27 days")')]), VACATION, defaults);
  assert.equal(answered.route, 'student');
  assert.match(answered.reason, /the student answered in 2 steps/);

  const sum = await run(new Scripted([act('Compute it.', 'final_answer(17 * 23)')]), 'What is 17 times 23?', defaults);
  assert.equal(sum.steps.length, 1);
  assert.equal(sum.searched, false);
  assert.equal(sum.finalAnswer, '391');
});
