// SagStep on the real isolated-vm sandbox: candidates run as they finish decoding, and with early
// stop the step ends once more than half of all N agree.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SagStep } from '../../agent/sag.ts';
import { Sandbox } from '../../sandbox/index.ts';

const action = (code: string) => `Thought: t\nCode:\n\`\`\`js\n${code}\n\`\`\`<end_code>`;
const answer = (x: number) => action(`final_answer(${x});`);
const sandbox = () => Sandbox.create({ memoryMb: 64, timeoutMs: 5000, maxOutputChars: 50_000, tools: {} });

/** Adds candidates one by one, as a model reports them, waiting for each to run. */
async function addAll(step: SagStep, texts: [number, string][]): Promise<void> {
  for (const [i, text] of texts) {
    step.add(i, text);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('SagStep with early stop: a strict majority of N ends the step; the rest are recorded as stopped', async () => {
  const step = new SagStep(await sandbox(), 5, true);
  await addAll(step, [[1, answer(7)], [3, answer(8)], [0, answer(7)]]);
  assert.equal(step.enough.aborted, false, '2 of 5 is no majority');
  await addAll(step, [[4, answer(7)]]);
  assert.equal(step.enough.aborted, true, '3 of 5 agree');
  const texts = [answer(7), answer(7), 'cut sho', answer(8), answer(7)];
  const out = await step.finish(texts);
  assert.equal(out.records.findIndex((r) => r.chosen), 0, 'the earliest member of the majority');
  assert.equal(out.chosen.result?.finalAnswer?.value, '7');
  assert.match(out.records[2]!.error!, /not finished: a majority/);
  assert.equal(out.records[2]!.voteKey, null);
  assert.deepEqual(out.records.map((r) => r.votes), [3, 3, 0, 1, 3]);
  assert.equal(out.agreement, 3 / 5, 'a lower bound: the stopped candidate counts as disagreeing');
  out.sandbox.dispose();
});

test('SagStep without early stop, or a model that never reports candidates: every text runs and votes', async () => {
  const texts = [answer(8), answer(7), answer(7), answer(7), action('throw new Error("x")')];
  const off = new SagStep(await sandbox(), 5, false);
  await addAll(off, [[1, texts[1]!], [2, texts[2]!], [3, texts[3]!]]);
  assert.equal(off.enough.aborted, false);
  const a = await off.finish(texts);
  assert.deepEqual(a.records.map((r) => r.votes), [1, 3, 3, 3, 0]);
  assert.equal(a.records.findIndex((r) => r.chosen), 1);
  a.sandbox.dispose();
  const silent = await new SagStep(await sandbox(), 5, true).finish(texts);
  assert.deepEqual(silent.records.map((r) => r.votes), [1, 3, 3, 3, 0]);
  assert.equal(silent.agreement, 3 / 5);
  silent.sandbox.dispose();
});
