// Decode rounds inside the addon (engine/build-addon.sh builds it at setup): the tokens must be
// node-llama-cpp's own, and node-llama-cpp's sequence state must stay true to the KV cache.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { LlamaContext, LlamaContextSequence, LlamaModel, Token } from 'node-llama-cpp';
import { disposeModels, loadModel, LocalModel, type ChatTurn } from '../../engine/index.ts';
import { checkInternals } from '../../engine/internals.ts';
import { NativeRounds, type NativeRequest, type Sampling } from '../../engine/native-rounds.ts';
import { agentTestConfig } from '../agent/helpers.ts';

const config = agentTestConfig({ 'models.contextSize': 1024 });
let model: LlamaModel;
let context: LlamaContext;
let rounds: NativeRounds;
const turns: ChatTurn[] = [
  { role: 'system', content: 'You are a helpful assistant.' },
  { role: 'user', content: 'Tell me about the history of lighthouses in a few sentences.' },
];
let prompt: Token[];

before(async () => {
  model = await loadModel(config, config.models.student);
  context = await model.createContext({ contextSize: 1024, sequences: 3, threads: 1 });
  rounds = new NativeRounds(context, model);
  const student = await LocalModel.load(config, { model: config.models.student, sequences: 1 });
  prompt = student.promptTokens(turns);
  await student.close();
});
after(async () => {
  await context.dispose();
  await disposeModels();
});

/** Runs `fn` on `count` fresh sequences of the test context, disposed after. */
async function onSequences(count: number, fn: (seqs: LlamaContextSequence[]) => Promise<void>): Promise<void> {
  const seqs = Array.from({ length: count }, () => context.getSequence());
  try {
    await fn(seqs);
  } finally {
    seqs.forEach((s) => s.dispose());
  }
}

const onSequence = (fn: (seq: LlamaContextSequence) => Promise<void>) => onSequences(1, (seqs) => fn(seqs[0]!));

/** node-llama-cpp's own loop: evaluates `tokens` on `seq`, then the first `n` tokens it samples. */
async function ownTokens(seq: LlamaContextSequence, tokens: Token[], sampling: Sampling, n: number): Promise<Token[]> {
  const out: Token[] = [];
  for await (const token of seq.evaluate(tokens, sampling)) {
    out.push(token);
    if (out.length >= n) break;
  }
  return out;
}

/** node-llama-cpp's own loop on `seq`: the prompt but its last token, then token by token. */
async function reference(seq: LlamaContextSequence, sampling: Sampling, n: number): Promise<Token[]> {
  await seq.clearHistory();
  await seq.evaluateWithoutGeneratingNewTokens(prompt.slice(0, -1));
  return ownTokens(seq, prompt.slice(-1), sampling, n);
}

async function native(seq: LlamaContextSequence, request: Partial<NativeRequest>): Promise<Token[]> {
  await seq.clearHistory();
  await seq.evaluateWithoutGeneratingNewTokens(prompt.slice(0, -1));
  const r = await rounds.generate({ sequence: seq, tokens: prompt.slice(-1), sampling: { temperature: 0 }, stop: [], maxTokens: 24, halt: () => false, ...request });
  return r.tokens;
}

test('the addon setup built has native decode rounds, and the student decodes with them', async () => {
  await onSequence(async (seq) => {
    const check = checkInternals(model, context, seq);
    assert.deepEqual(check.missing, [], 'node-llama-cpp has every internal the engine uses');
    assert.ok(check.addonRounds, 'engine/build-addon.sh did not install an addon with generateRounds');
  });
  const student = await LocalModel.load(config, { model: config.models.student, sequences: 1 });
  const off = await LocalModel.load(agentTestConfig({ 'engine.nativeDecode': false }), { model: config.models.student, sequences: 1 });
  try {
    assert.equal(student.nativeDecode, true);
    assert.equal(off.nativeDecode, false, 'engine.nativeDecode false keeps node-llama-cpp’s token loop');
  } finally {
    await student.close();
    await off.close();
  }
});

test('greedy and seeded sampling give node-llama-cpp’s own tokens', async () => {
  await onSequence(async (seq) => {
    for (const sampling of [{ temperature: 0 }, { temperature: 0.9, topP: 0.95, seed: 7 }, { temperature: 0.9, topP: 0.95, seed: 8 }]) {
      const want = await reference(seq, sampling, 24);
      assert.equal(want.length, 24);
      assert.deepEqual(await native(seq, { sampling }), want, JSON.stringify(sampling));
    }
  });
});

test('a whole prompt rides in the first round: node-llama-cpp’s own tokens for it, and its state', async () => {
  await onSequence(async (seq) => {
    await seq.clearHistory();
    const want = await ownTokens(seq, prompt, { temperature: 0 }, 24);
    await seq.clearHistory();
    const got = await rounds.generate({ sequence: seq, tokens: prompt, sampling: { temperature: 0 }, stop: [], maxTokens: 24, halt: () => false });
    assert.deepEqual(got.tokens, want);
    assert.deepEqual(seq.contextTokens, [...prompt, ...want.slice(0, -1)]);
  });
});

test('node-llama-cpp’s sequence state holds what the rounds fed, so its own loop continues the text', async () => {
  await onSequence(async (seq) => {
    const want = await reference(seq, { temperature: 0 }, 30);
    const first = await native(seq, { maxTokens: 12 });
    assert.deepEqual(first, want.slice(0, 12));
    // Every fed token is recorded: the prompt and all sampled tokens but the last, still pending.
    assert.deepEqual(seq.contextTokens, [...prompt, ...first.slice(0, -1)]);
    assert.equal(seq.nextTokenIndex, prompt.length + first.length - 1);
    assert.deepEqual(await ownTokens(seq, first.slice(-1), { temperature: 0 }, 18), want.slice(12));
  });
});

test('a stream ends at its stop string, its token limit, or when halted between calls', async () => {
  await onSequence(async (seq) => {
    const greedy = await reference(seq, { temperature: 0 }, 40);
    const text = model.detokenize(greedy);
    const stop = text.slice(text.indexOf(' ', 20) + 1, text.indexOf(' ', 20) + 5);
    const stopped = await native(seq, { stop: [stop], maxTokens: 40 });
    assert.ok(model.detokenize(stopped).includes(stop), 'the stop string was reached');
    assert.ok(!model.detokenize(stopped.slice(0, -1)).includes(stop), 'the stream ended on the token that completed it');
    assert.equal((await native(seq, { maxTokens: 5 })).length, 5);
    let polls = 0;
    const halted = await native(seq, { maxTokens: 1000, halt: (tokens) => ++polls > 1 && tokens.length > 0 });
    assert.ok(halted.length > 0 && halted.length < 1000, `halted after ${halted.length} tokens`);
    assert.deepEqual(halted, greedy.slice(0, halted.length));
  });
});

test('streams started together share each round; each decodes its own text', async () => {
  await onSequences(3, async (seqs) => {
    const samplings = [{ temperature: 0 }, { temperature: 0.9, seed: 1 }, { temperature: 0.9, seed: 2 }];
    const want: Token[][] = [];
    for (const [i, seq] of seqs.entries()) want.push(await reference(seq, samplings[i]!, 16));
    for (const seq of seqs) {
      await seq.clearHistory();
      await seq.evaluateWithoutGeneratingNewTokens(prompt.slice(0, -1));
    }
    const before = { ...rounds.stats };
    const got = await Promise.all(seqs.map((seq, i) => rounds.generate({ sequence: seq, tokens: prompt.slice(-1), sampling: samplings[i]!, stop: [], maxTokens: 16, halt: () => false })));
    assert.equal(rounds.stats.fed - before.fed, 48, 'each stream fed 16 tokens');
    assert.equal(rounds.stats.rounds - before.rounds, 16, 'in 16 shared rounds');
    assert.equal(rounds.stats.requests - before.requests, 48, 'three streams in every round');
    assert.deepEqual(got.map((g) => g.tokens), want);
  });
});

test('streams whose prompts together overflow the batch size take turns: the second waits a round', async () => {
  const filler = model.tokenize('The keeper climbed the stairs and lit the lamp. '.repeat(60));
  const long = [...filler.slice(0, Math.floor(context.batchSize * 0.75) - prompt.length), ...prompt];
  await onSequences(2, async (seqs) => {
    await seqs[0]!.clearHistory();
    const want = await ownTokens(seqs[0]!, long, { temperature: 0 }, 8);
    for (const seq of seqs) await seq.clearHistory();
    const before = { ...rounds.stats };
    const got = await Promise.all(seqs.map((seq) => rounds.generate({ sequence: seq, tokens: long, sampling: { temperature: 0 }, stop: [], maxTokens: 8, halt: () => false })));
    assert.equal(rounds.stats.rounds - before.rounds, 9, 'the first prompt alone, then the second with the first one’s token, then 7 shared rounds');
    assert.equal(rounds.stats.fed - before.fed, 2 * (long.length + 7));
    assert.equal(rounds.stats.requests - before.requests, 16, 'each stream in 8 rounds');
    assert.deepEqual(got.map((g) => g.tokens), [want, want]);
  });
});
