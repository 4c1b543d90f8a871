// distill bootstrap over a real Chroma collection, with a scripted teacher (a langchain chat
// model that writes questions from the passage it is shown and answers them through the agent).
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { SimpleChatModel } from '@langchain/core/language_models/chat_models';
import type { BaseMessage } from '@langchain/core/messages';
import type { Teacher } from '../../agent/teacher.ts';
import { disposeModels } from '../../engine/index.ts';
import { openRetriever, type Retriever } from '../../retrieval/index.ts';
import { bootstrap } from '../../training/bootstrap.ts';
import { bootstrapDir, type BootstrapQuestion, type BootstrapRun } from '../../training/bootstrap-cache.ts';
import { buildSet } from '../../training/build.ts';
import { gateQuestions } from '../../training/distill.ts';
import { NoTeacherError } from '../../training/generate.ts';
import { readSftFile } from '../../training/sft-set.ts';
import { testConfig } from './helpers.ts';

const ABSTAIN = 'I could not find this in the documents.';

/**
 * Writes questions from the first number of a passage (its first reply malformed JSON, its first
 * single-hop answer one the passage lacks), then, as the agent, searches
 * and hands in the answer it wrote; arithmetic questions it answers without searching.
 */
class ScriptedChat extends SimpleChatModel {
  writes = 0;
  singles = 0;
  agentCalls = 0;
  readonly answers = new Map<string, { answer: string; search: boolean }>();

  _llmType(): string {
    return 'scripted';
  }

  async _call(messages: BaseMessage[]): Promise<string> {
    const system = messages[0]!.text;
    if (system.startsWith('You write test questions')) return this.write(messages.at(-1)!.text);
    this.agentCalls++;
    const question = /New task:\n(.*)\n/.exec(messages[1]!.text)![1]!;
    const plan = this.answers.get(question) ?? { answer: ABSTAIN, search: true };
    const stepsDone = messages.filter((m) => m.getType() === 'ai').length;
    if (stepsDone === 0 && plan.search) return `Thought: I search the documents.\nCode:\n\`\`\`js\nprint(search(${JSON.stringify(question)}));\n\`\`\`<end_code>`;
    return `Thought: I have it.\nCode:\n\`\`\`js\nfinal_answer(${JSON.stringify(plan.answer)});\n\`\`\`<end_code>`;
  }

  private write(prompt: string): string {
    this.writes++;
    const passages = [...prompt.matchAll(/from "([^"]*)" \(([^)]*)\):\n"""\n([\s\S]*?)\n"""/g)].map((m) => ({ title: m[1]!, text: m[3]! }));
    const [p] = passages;
    // The first reply is not JSON and the first single-hop one invents its answer, whichever chunks the plan visits first.
    if (this.writes === 1) return 'Sure! Here is a good question about the allowance.';
    const numbers = (p!.text.match(/\d+/g) ?? []).map(Number);
    const kind = /needs a fact from each/.test(prompt) ? 'two' : /needs arithmetic/.test(prompt) ? 'arith' : /does NOT answer/.test(prompt) ? 'none' : 'single';
    const topic = p!.title.split(' > ')[0]!;
    if (kind === 'none') return JSON.stringify({ question: `What colour is the form for the ${topic} allowance?` });
    if (kind === 'arith') {
      const question = `What are the ${topic} allowance and its payment day added together?`;
      const answer = numbers[0]! + numbers[1]!;
      this.answers.set(question, { answer: String(answer), search: false });
      return `\`\`\`json\n${JSON.stringify({ question, expression: `${numbers[0]} + ${numbers[1]}`, answer })}\n\`\`\``;
    }
    const question = kind === 'two' ? `Which allowance is higher, ${topic} or ${passages[1]!.title.split(' > ')[0]}?` : `How many dollars a month is the ${topic} allowance?`;
    const answer = kind === 'single' && this.singles++ === 0 ? '999999' : String(numbers[0]);
    this.answers.set(question, { answer, search: true });
    return JSON.stringify({ question, answer });
  }
}

const root = path.join(testConfig().dataDir, 'kb');
const config = testConfig({
  agent: { maxSteps: 3, sagN: 1 },
  engine: { threads: 1 },
  distill: { firstThought: 'off', bootstrap: { heldOutDocShare: 0.4 } },
});
const names = ['parking', 'travel', 'meals', 'gym', 'books', 'phone', 'internet', 'childcare'];
let retriever: Retriever;
let chat: ScriptedChat;
let teacher: Teacher;

before(async () => {
  mkdirSync(path.join(root, 'policies'), { recursive: true });
  names.forEach((name, i) => {
    writeFileSync(
      path.join(root, 'policies', `${name}.md`),
      `# ${name[0]!.toUpperCase()}${name.slice(1)} Policy\n\n## Allowance\n\nThe ${name} allowance is ${(i + 2) * 10} dollars per month, paid on day ${i + 3} of the month. ` +
        `Ask the office team about the ${name} allowance if anything is unclear.\n`,
    );
  });
  retriever = await openRetriever(config);
  await retriever.ingest([path.join(root, 'policies')], { collection: 'policies' });
  chat = new ScriptedChat({});
  teacher = { chat, name: 'scripted', close: async () => {} };
});

after(async () => {
  await retriever?.close();
  await disposeModels();
  rmSync(root, { recursive: true, force: true });
});

/** The file's whole lines (a line cut by a kill is skipped, as the cache reads it). */
const readJsonl = <T>(file: string): T[] =>
  readFileSync(file, 'utf8').split('\n').flatMap((l) => {
    try {
      return l ? [JSON.parse(l) as T] : [];
    } catch {
      return [];
    }
  });
const questionsFile = () => path.join(bootstrapDir(config, 'policies'), 'questions.jsonl');
const runsFile = () => path.join(bootstrapDir(config, 'policies'), 'runs.jsonl');

test('bootstrap writes grounded questions with their chunk ids and documents, split by document; the filter keeps searched, matching runs', { timeout: 300_000 }, async () => {
  const progress: [number, number][] = [];
  const errors: string[] = [];
  const s = await bootstrap(config, { collection: 'policies', questions: 10, retriever, teacher, onProgress: (d, t) => progress.push([d, t]), onError: (t, e) => errors.push(`${t.kind}: ${e.message}`) });
  assert.deepEqual(errors, []);
  assert.equal(progress.at(-1)![0], progress.at(-1)![1]);
  const chunks = new Map((await retriever.chunks('policies', { limit: 100 })).map((c) => [c.chunkId, c]));
  const questions = readJsonl<BootstrapQuestion>(questionsFile());
  assert.equal(questions.length, 10);
  for (const q of questions) {
    assert.ok(q.chunkIds.length >= 1 && q.chunkIds.every((id) => chunks.has(id)), `chunk ids ${q.chunkIds}`);
    assert.deepEqual(q.sources, q.chunkIds.map((id) => chunks.get(id)!.source));
    if (q.kind === 'singleHop' && !q.dropped) assert.ok(chunks.get(q.chunkIds[0]!)!.text.includes(q.answer!), `${q.answer} is in the chunk`);
    if (q.kind === 'unanswerable' && !q.dropped) assert.equal(q.answer, null);
    // The scripted teacher writes from the first passage: garbage for parking, an invented answer for travel.
    if (q.sources[0] === 'policies/parking.md' && q.dropped !== 'noSecondDocument') assert.equal(q.dropped, 'malformed');
    if (q.sources[0] === 'policies/travel.md' && (q.kind === 'singleHop' || q.kind === 'twoDocument') && q.dropped !== 'noSecondDocument') assert.equal(q.dropped, 'ungrounded');
  }
  const docsBySplit = { train: new Set<string>(), heldOut: new Set<string>() };
  for (const q of questions) for (const d of q.sources) docsBySplit[q.split].add(d);
  assert.ok(docsBySplit.train.size > 0 && docsBySplit.heldOut.size > 0, JSON.stringify(s.documents));
  assert.deepEqual([...docsBySplit.train].filter((d) => docsBySplit.heldOut.has(d)), [], 'no document in both splits');

  const runs = new Map(readJsonl<BootstrapRun>(runsFile()).map((r) => [r.id, r]));
  for (const q of questions) {
    const r = runs.get(q.id);
    if (q.dropped) assert.equal(r, undefined, 'a dropped question is not answered');
    else if (q.kind === 'arithmetic') {
      // The scripted teacher answers arithmetic without a search; the run opened with one (agent.searchFirst), so it counts.
      assert.match(r!.steps[0]!.code ?? '', /^print\(search\(/);
      assert.deepEqual([r!.kept, r!.dropped], [true, undefined]);
    } else assert.deepEqual([r!.kept, r!.dropped], [true, undefined], `${q.kind}: ${q.question} -> ${r!.finalAnswer} ${JSON.stringify(r!.steps.map((x) => x.error))}`);
  }
  const kept = [...runs.values()].filter((r) => r.kept).length;
  assert.equal(s.kept.train + s.kept.heldOut, kept);
  assert.equal(Object.values(s.byKind).reduce((n, k) => n + k.asked, 0), 10);
  const dropped = (why: string) => Object.values(s.byKind).reduce((n, k) => n + (k.dropped[why] ?? 0), 0);
  assert.deepEqual([dropped('malformed') > 0, dropped('ungrounded') > 0], [true, true], JSON.stringify(s.byKind));
  assert.equal(s.new.questions, 10);
});

test('resume: a rerun skips cached work, a larger --questions adds only new tasks, a line cut by a kill is redone', { timeout: 300_000 }, async () => {
  const calls = { writes: chat.writes, agent: chat.agentCalls };
  const again = await bootstrap(config, { collection: 'policies', questions: 10, retriever, teacher });
  assert.deepEqual({ writes: chat.writes, agent: chat.agentCalls }, calls, 'nothing asked of the teacher');
  assert.deepEqual([again.new.questions, again.new.runs], [0, 0]);

  const runsText = readFileSync(runsFile(), 'utf8');
  const lastRun = runsText.trimEnd().split('\n').at(-1)!;
  writeFileSync(runsFile(), runsText.slice(0, runsText.length - lastRun.length / 2 - 1));
  const redone = await bootstrap(config, { collection: 'policies', questions: 10, retriever, teacher });
  assert.deepEqual([redone.new.questions, redone.new.runs, chat.writes], [0, 1, calls.writes], 'only the cut run is redone');
  assert.equal(readJsonl<BootstrapRun>(runsFile()).filter((r) => r.id === (JSON.parse(lastRun) as BootstrapRun).id).length, 1);

  const grown = await bootstrap(config, { collection: 'policies', questions: 16, retriever, teacher });
  const all = readJsonl<BootstrapQuestion>(questionsFile());
  assert.equal(all.length, 16);
  assert.equal(grown.new.questions, 6);
  assert.equal(chat.writes - calls.writes, all.slice(10).filter((q) => q.dropped !== 'noSecondDocument').length, 'the teacher wrote only the new ones');

  const noTeacher = { ...config, teacher: { ...config.teacher, provider: 'none' as const } };
  await assert.rejects(bootstrap(noTeacher, { collection: 'policies', questions: 24, retriever }), NoTeacherError);
  assert.equal((await bootstrap(noTeacher, { collection: 'policies', questions: 16, retriever })).new.questions, 0, 'all cached: no teacher needed');
  await assert.rejects(bootstrap(config, { collection: 'nothing-here', retriever, teacher }), /collection "nothing-here" does not exist/);
});

test('the nightly set: bootstrap trajectories train from their split, held-out ones are the gate\'s in-domain questions in their collection', async () => {
  const dir = path.join(config.dataDir, 'set');
  const { dataset } = await buildSet(config, { dir });
  const questions = new Map(readJsonl<BootstrapQuestion>(questionsFile()).map((q) => [q.question, q]));
  const train = readSftFile(path.join(dir, 'train.jsonl'));
  const heldOut = readSftFile(path.join(dir, 'heldout.jsonl'));
  assert.ok(train.length > 0 && heldOut.length > 0);
  assert.ok(train.every((r) => r.source === 'bootstrap' && questions.get(r.question)!.split === 'train'));
  assert.ok(heldOut.every((r) => r.source === 'bootstrap' && questions.get(r.question)!.split === 'heldOut'));
  assert.deepEqual(dataset.counts.bySource, { bootstrap: train.length + heldOut.length });

  const gate = gateQuestions(config, dir);
  assert.deepEqual(gate.map((g) => g.question).sort(), heldOut.map((r) => r.question).sort());
  for (const g of gate) {
    const q = questions.get(g.question)!;
    assert.deepEqual(g, { question: q.question, answers: q.answer === null ? [] : [q.answer], collection: 'policies', inDomain: true });
  }
});
