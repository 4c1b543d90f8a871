// The student's llama.cpp context shared two ways: SAG candidates start from one evaluated prompt
// whose state is copied to the other sequences, and concurrent questions take their own slots.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { LlamaActionModel } from '../../agent/student.ts';
import type { ChatTurn, GenerateOptions } from '../../agent/llm.ts';
import { studentSystemPrompt, taskMessage } from '../../agent/prompts.ts';
import { disposeModels } from '../../models/index.ts';
import { agentTestConfig } from './helpers.ts';

let model: LlamaActionModel;
let student: LlamaActionModel;
const greedy: GenerateOptions = { n: 3, maxTokens: 24, temperature: 0, topP: 1, stop: ['\n\n'] };
const ask = (q: string): ChatTurn[] => [
  { role: 'system', content: 'You are a helpful assistant. Answer in one short sentence.' },
  { role: 'user', content: `${q} Think about it carefully and explain the reason in a few words, please.` },
];

before(async () => {
  model = await LlamaActionModel.create(agentTestConfig({ 'models.student': 'tiny', 'models.contextSize': 1024 }), 'student', 3, 2);
  student = await LlamaActionModel.create(agentTestConfig({ 'models.contextSize': 2048, 'agent.threads': 2 }), 'student', 3);
});
after(async () => {
  await model.close();
  await student.close();
  await disposeModels();
});

test('greedy candidates decoded from a copied prompt state are identical to the one that evaluated it (the Qwen student)', async () => {
  // A real agent step: batched decoding of several sequences garbled exactly this (see student.ts).
  const step: ChatTurn[] = [
    { role: 'system', content: studentSystemPrompt(3) },
    { role: 'user', content: taskMessage('Janet’s ducks lay 16 eggs per day. She eats three for breakfast every morning and bakes muffins for her friends every day with four. She sells the remainder at the farmers\' market daily for $2 per fresh duck egg. How much in dollars does she make every day at the farmers\' market?') },
  ];
  const g = await student.generate(step, { ...greedy, maxTokens: 90, stop: ['<end_code>'] });
  assert.equal(g.texts.length, 3);
  assert.ok(g.texts[0]!.trim().length > 0, 'the first candidate says something');
  assert.deepEqual(g.texts.slice(1), [g.texts[0], g.texts[0]], 'every copy continues the same state');
});

test('three concurrent questions on two slots all finish, and each matches its answer alone', async () => {
  const questions = ['What is two plus two?', 'Name a colour.', 'Where is Paris?'];
  const alone = [];
  for (const q of questions) alone.push((await model.generate(ask(q), { ...greedy, n: 1 })).texts[0]);
  await model.clearCache();
  const together = await Promise.all(questions.map((q) => model.generate(ask(q), { ...greedy, n: 1 })));
  assert.deepEqual(together.map((g) => g.texts[0]), alone);
});
