// A local model's llama.cpp context shared two ways: SAG candidates start from one evaluated prompt
// whose state is copied to the other sequences and then decode in the same batches, and
// concurrent questions take their own slots.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { LlamaContext, LlamaContextSequence, LlamaModel, Token } from 'node-llama-cpp';
import { greedyShare as greedyShareOf } from '../../agent/greedy-check.ts';
import { studentSystemPrompt, taskMessage } from '../../agent/prompts.ts';
import { disposeModels, loadModel, LocalModel, type ChatTurn, type GenerateOptions } from '../../engine/index.ts';
import { agentTestConfig } from '../agent/helpers.ts';

let model: LocalModel;
let student: LocalModel;
let qwen: LlamaModel;
let scorer: LlamaContextSequence;
let scoring: LlamaContext;
const greedy: GenerateOptions = { n: 3, maxTokens: 24, temperature: 0, topP: 1, stop: ['\n\n'] };
const ask = (q: string): ChatTurn[] => [
  { role: 'system', content: 'You are a helpful assistant. Answer in one short sentence.' },
  { role: 'user', content: `${q} Think about it carefully and explain the reason in a few words, please.` },
];

before(async () => {
  model = await LocalModel.load(agentTestConfig({ 'models.contextSize': 1024 }), { model: 'tiny', sequences: 3, slots: 2 });
  // Two threads: the thread count changes how llama.cpp splits a batch, which is what this test is about.
  const config = agentTestConfig({ 'models.contextSize': 2048, 'engine.threads': 2 });
  student = await LocalModel.load(config, { model: config.models.student, sequences: 3 });
  qwen = await loadModel(config, config.models.student);
  scoring = await qwen.createContext({ contextSize: 2048, threads: 2 });
  scorer = scoring.getSequence();
});
after(async () => {
  await model.close();
  await student.close();
  await scoring.dispose();
  await disposeModels();
});

/** A real agent step. */
const janetStep: ChatTurn[] = [
  { role: 'system', content: studentSystemPrompt(3) },
  { role: 'user', content: taskMessage('Janet’s ducks lay 16 eggs per day. She eats three for breakfast every morning and bakes muffins for her friends every day with four. She sells the remainder at the farmers\' market daily for $2 per fresh duck egg. How much in dollars does she make every day at the farmers\' market?') },
];
const greedyShare = (prompt: Token[], text: string) => greedyShareOf(scorer, prompt, qwen.tokenize(text));

test('greedy SAG candidates decoded in one batch from a copied prompt state are greedy continuations (the Qwen student)', async () => {
  // Candidates may part ways at a near-tie (a batch of 3 sums in another order
  // than a batch of 1), but each must stay the model's own greedy text, not noise.
  const before = student.roundStats;
  const g = await student.generate(janetStep, { ...greedy, maxTokens: 90, stop: ['<end_code>'] });
  const after = student.roundStats;
  assert.equal(g.texts.length, 3);
  // Lock-step rounds: the three candidates share each batch (one at a time would be 1 per round).
  const perRound = (after.requests - before.requests) / (after.rounds - before.rounds);
  assert.ok(perRound > 2, `candidates did not decode together: ${perRound.toFixed(2)} sequences per round`);
  for (const text of g.texts) {
    assert.ok(text.trim().length > 0, 'every candidate says something');
    const share = await greedyShare(student.promptTokens(janetStep), text);
    assert.ok(share >= 0.95, `a candidate is mostly not the greedy choice (${(100 * share).toFixed(0)}%): ${JSON.stringify(text)}`);
  }
});

test('a later step copies its prompt over sequences that still hold an earlier step: candidates stay greedy', async () => {
  // The candidates' sequences hold the Janet step; the next prompt shares only the system prompt.
  // A copy that kept the old cells beside the new ones (llama.cpp's seq_cp adds, it does not
  // replace, in a unified KV cache) would have them attend to both.
  await student.generate(janetStep, { ...greedy, maxTokens: 40, stop: ['<end_code>'] });
  const robe: ChatTurn[] = [janetStep[0]!, { role: 'user', content: taskMessage('A robe takes 2 bolts of blue fiber and half that much white fiber. How many bolts in total does it take?') }];
  const g = await student.generate(robe, { ...greedy, maxTokens: 60, stop: ['<end_code>'] });
  for (const text of g.texts) {
    const share = await greedyShare(student.promptTokens(robe), text);
    assert.ok(share >= 0.95, `a candidate is mostly not the greedy choice (${(100 * share).toFixed(0)}%): ${JSON.stringify(text)}`);
  }
});

for (const nativeDecode of [true, false]) {
  const path = nativeDecode ? 'rounds in the addon' : 'node-llama-cpp’s token loop';
  test(`three concurrent questions on two slots all finish, and each matches its answer alone (${path})`, async () => {
    const pool = nativeDecode ? model : await LocalModel.load(agentTestConfig({ 'models.contextSize': 1024, 'engine.nativeDecode': false }), { model: 'tiny', sequences: 3, slots: 2 });
    try {
      assert.equal(pool.nativeDecode, nativeDecode);
      const questions = ['What is two plus two?', 'Name a colour.', 'Where is Paris?'];
      const alone = [];
      for (const q of questions) alone.push((await pool.generate(ask(q), { ...greedy, n: 1 })).texts[0]);
      await pool.clearCache();
      const before = pool.roundStats;
      const together = await Promise.all(questions.map((q) => pool.generate(ask(q), { ...greedy, n: 1 })));
      assert.deepEqual(together.map((g) => g.texts[0]), alone);
      const after = pool.roundStats;
      assert.ok((after.requests - before.requests) / (after.rounds - before.rounds) > 1, 'the questions shared rounds');
    } finally {
      if (pool !== model) await pool.close();
    }
  });
}
