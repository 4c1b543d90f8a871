import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SeenKeys } from '../../queue/index.ts';
import { latestOnly } from '../../bots/throttle.ts';

test('dedupe: a key is handled once within its TTL, again after it or once forgotten; the oldest go past the cap', async () => {
  const seen = new SeenKeys(40, 2);
  assert.equal(seen.first('a'), true);
  assert.equal(seen.first('a'), false);
  seen.forget('a');
  assert.equal(seen.first('a'), true);
  await new Promise((r) => setTimeout(r, 60));
  assert.equal(seen.first('a'), true, 'expired');
  seen.first('b');
  seen.first('c');
  assert.equal(seen.first('a'), true, 'dropped as the oldest beyond the cap');
  assert.equal(seen.first('c'), false);
});

test('throttle: each burst sends only its latest value, one at a time, at least the gap apart; nothing after close', async () => {
  const sent: [string, number][] = [];
  let inFlight = 0;
  const errors: unknown[] = [];
  const edits = latestOnly(async (v: string) => {
    assert.equal(inFlight++, 0, 'one send at a time');
    sent.push([v, Date.now()]);
    await new Promise((r) => setTimeout(r, 5));
    inFlight--;
    if (v === 'boom') throw new Error('rate limited');
  }, 50, (e) => errors.push(e));
  for (const v of ['1', '2', '3']) edits.push(v);
  await new Promise((r) => setTimeout(r, 20));
  edits.push('4');
  edits.push('boom');
  await new Promise((r) => setTimeout(r, 300));
  await edits.close();
  edits.push('late');
  assert.deepEqual(sent.map(([v]) => v), ['3', 'boom']);
  assert.ok(sent[1]![1] - sent[0]![1] >= 45, 'the gap is kept');
  assert.equal(errors.length, 1, 'a failed send goes to onError');
});
