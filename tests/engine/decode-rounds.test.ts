// The round scheduler on its own, with token streams whose resumptions are recorded (the real
// streams, node-llama-cpp's evaluate(), are in shared-context.test.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Token } from 'node-llama-cpp';
import { DecodeRounds, type TokenStream } from '../../engine/decode-rounds.ts';

/** A stream that yields `length` tokens (its id × 100 + index), logging each resumption in `log`, with a short await in between, as a decode would. */
async function* counting(id: number, length: number, log: string[], failAt = -1): TokenStream {
  for (let i = 0; i < length; i++) {
    log.push(`${id}`);
    await new Promise((r) => setTimeout(r, 2));
    if (i === failAt) throw new Error(`stream ${id} failed`);
    yield (id * 100 + i) as Token;
  }
}

/** Pulls a stream through the rounds to its end; `order` is its sequence id. */
async function drain(rounds: DecodeRounds, stream: TokenStream, order: number): Promise<Token[]> {
  const out: Token[] = [];
  for (let t = await rounds.next(stream, order); t !== null; t = await rounds.next(stream, order)) out.push(t);
  return out;
}

test('a round resumes every waiting stream together, in sequence-id order, and a finished stream gets null', async () => {
  const rounds = new DecodeRounds();
  const log: string[] = [];
  // Asked in the order 4, 1, 2: each round resumes 1, 2, 4 (stream 1 ends after two tokens).
  const [a, b, c] = await Promise.all([
    drain(rounds, counting(4, 3, log), 4),
    drain(rounds, counting(1, 2, log), 1),
    drain(rounds, counting(2, 3, log), 2),
  ]);
  assert.deepEqual([a, b, c], [[400, 401, 402], [100, 101], [200, 201, 202]]);
  assert.deepEqual(log, ['1', '2', '4', '1', '2', '4', '2', '4']);
  // Four rounds: 1, 2, 4 ask in each of the first three (stream 1 learns its end in the third); 2 and 4 in the fourth.
  // Every round has a gap (no 3), so llama.cpp would take two passes each.
  const { busyMs, ...counts } = rounds.stats;
  assert.deepEqual(counts, { rounds: 4, requests: 11, idRuns: 8 });
  assert.ok(busyMs >= 4, `each of the 4 rounds waits on a stream's 2 ms timer: busy ${busyMs} ms`);
});

test('a stream that asks while a round runs joins the next round; a failing stream rejects alone', async () => {
  const rounds = new DecodeRounds();
  const log: string[] = [];
  const first = drain(rounds, counting(0, 3, log), 0);
  await new Promise((r) => setImmediate(r)); // the first round is now running
  const late = drain(rounds, counting(1, 2, log), 1);
  const failing = assert.rejects(drain(rounds, counting(2, 3, log, 1), 2), /stream 2 failed/);
  assert.deepEqual(await first, [0, 1, 2]);
  assert.deepEqual(await late, [100, 101]);
  await failing;
  assert.deepEqual(log.slice(0, 4), ['0', '0', '1', '2'], 'the late streams wait for the second round');
});
