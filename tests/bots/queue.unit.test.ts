import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AskQueue, QueueFullError } from '../../queue/ask-queue.ts';
import { splitMessage } from '../../bots/split.ts';

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

test('the queue runs at most `workers` jobs, one per user, and refuses beyond queueSize', async () => {
  const q = new AskQueue({ workers: 2, queueSize: 2, perUserConcurrency: 1 });
  const gates = [deferred(), deferred(), deferred(), deferred()];
  const started: string[] = [];
  const job = (name: string, i: number) => () => {
    started.push(name);
    return gates[i]!.promise.then(() => name);
  };
  const queuedAt: number[] = [];
  const a1 = q.submit('a', job('a1', 0));
  const a2 = q.submit('a', job('a2', 1), (n) => queuedAt.push(n)); // same user: waits
  const b1 = q.submit('b', job('b1', 2));
  const c1 = q.submit('c', job('c1', 3), (n) => queuedAt.push(n)); // no worker free: waits
  await assert.rejects(q.submit('d', async () => 'd1'), QueueFullError);
  assert.deepEqual(started, ['a1', 'b1']);
  assert.deepEqual(queuedAt, [0, 1]);
  assert.deepEqual(q.stats, { running: 2, waiting: 2 });
  gates[2]!.resolve(); // b1 ends: c1 may start (a2 still blocked behind a1)
  assert.equal(await b1, 'b1');
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(started, ['a1', 'b1', 'c1']);
  gates[0]!.resolve();
  assert.equal(await a1, 'a1');
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(started, ['a1', 'b1', 'c1', 'a2']);
  gates[1]!.resolve();
  gates[3]!.resolve();
  assert.deepEqual(await Promise.all([a2, c1]), ['a2', 'c1']);
  assert.deepEqual(q.stats, { running: 0, waiting: 0 });
});

test('a failing job frees its slot and rejects only its caller', async () => {
  const q = new AskQueue({ workers: 1, queueSize: 1, perUserConcurrency: 1 });
  const bad = q.submit('a', async () => {
    throw new Error('boom');
  });
  const good = q.submit('a', async () => 'ok');
  await assert.rejects(bad, /boom/);
  assert.equal(await good, 'ok');
});

test('splitMessage keeps every piece within the limit and every code fence balanced', () => {
  const text = `Intro line\n\`\`\`ts\n${'const a = 1; // some code here\n'.repeat(200)}\`\`\`\n${'word '.repeat(2000)}\n${'x'.repeat(5000)}`;
  const pieces = splitMessage(text, 2000);
  assert.ok(pieces.length > 5);
  for (const p of pieces) {
    assert.ok(p.length <= 2000, `piece of ${p.length}`);
    assert.equal((p.match(/```/g) ?? []).length % 2, 0);
  }
  assert.ok(pieces.filter((p) => p.startsWith('```ts')).length >= 2, 'the fence is reopened with its language');
  assert.equal(pieces.join('').replace(/```ts|```|\s/g, ''), text.replace(/```ts|```|\s/g, ''), 'nothing lost');
  assert.deepEqual(splitMessage('short', 2000), ['short']);
});
