// The engine's self-check at load: a node-llama-cpp internal that is gone (an upgrade that moved
// it, played here by shadowing it as undefined) is reported in one line and the engine takes
// node-llama-cpp's public path, which gives the same greedy text.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { LlamaContextSequence } from 'node-llama-cpp';
import { disposeModels, LocalModel, type ChatTurn, type GenerateOptions } from '../../engine/index.ts';
import { INTERNALS, type Feature } from '../../engine/internals.ts';
import { agentTestConfig } from '../agent/helpers.ts';

const config = agentTestConfig({ 'models.contextSize': 1024 });
const greedy: GenerateOptions = { n: 3, maxTokens: 32, temperature: 0, topP: 1, stop: ['\n\n'] };
const questions = ['What is two plus two?', 'Name a colour and say why you like it.'];
const ask = (q: string): ChatTurn[] => [
  { role: 'system', content: 'You are a helpful assistant. Answer in one short sentence.' },
  { role: 'user', content: q },
];
let reference: string[][];

/** The tiny model with room for one generation of three candidates; its drift lines go to `lines`. */
const load = (lines: string[]) => LocalModel.load(config, { model: 'tiny', sequences: 3, log: (line) => lines.push(line) });

async function texts(model: LocalModel): Promise<string[][]> {
  const out: string[][] = [];
  // Twice each: the second step finds the first one's cells in the sequences.
  for (const q of [...questions, ...questions]) out.push((await model.generate(ask(q), greedy)).texts);
  return out;
}

/** The sequence method INTERNALS lists for `feature`, shadowed as undefined on node-llama-cpp's class until `restore()`. */
function hide(feature: Feature): { member: string; restore: () => void } {
  const member = INTERNALS.find((i) => i.feature === feature && i.on === 'sequence' && i.kind === 'function')!.path[0]!;
  const proto = LlamaContextSequence.prototype as unknown as Record<string, unknown>;
  const own = Object.getOwnPropertyDescriptor(proto, member)!;
  Object.defineProperty(proto, member, { value: undefined, configurable: true, writable: true });
  return { member, restore: () => Object.defineProperty(proto, member, own) };
}

before(async () => {
  const lines: string[] = [];
  const model = await load(lines);
  try {
    assert.deepEqual(lines, [], 'the installed node-llama-cpp has every internal the engine uses');
    reference = await texts(model);
  } finally {
    await model.close();
  }
});
after(disposeModels);

test('without the in-memory sequence copy, one line says so and each candidate evaluates its own prompt: the same greedy text', async () => {
  // Hidden for the whole run: a call to it would throw.
  const { member, restore } = hide('promptCopy');
  const lines: string[] = [];
  try {
    const model = await load(lines);
    try {
      assert.deepEqual(await texts(model), reference);
    } finally {
      await model.close();
    }
  } finally {
    restore();
  }
  assert.equal(lines.length, 1);
  assert.match(lines[0]!, new RegExp(`^engine: node-llama-cpp \\S+ lacks ${member}; using its public path \\(each candidate evaluates its own prompt: slower, same answers\\)$`));
});

test("without a member native decode rounds need, one line says so and decoding goes through node-llama-cpp's token loop: the same greedy text", async () => {
  // node-llama-cpp's own loop uses this member too: it is gone only while the model loads, where the check runs.
  const { member, restore } = hide('nativeRounds');
  const lines: string[] = [];
  let model: LocalModel;
  try {
    model = await load(lines);
  } finally {
    restore();
  }
  try {
    assert.equal(model.nativeDecode, false);
    assert.deepEqual(await texts(model), reference);
  } finally {
    await model.close();
  }
  assert.equal(lines.length, 1);
  assert.match(lines[0]!, new RegExp(`lacks ${member}; using its public path \\(decoding through node-llama-cpp's token loop: slower, same answers\\)$`));
});
