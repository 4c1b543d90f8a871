// SagStep on the real isolated-vm sandbox: candidates run as they finish decoding, and with early
// stop the step ends once the candidates still open can change neither the winner nor the route.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SagStep } from '../../agent/sag.ts';
import { Sandbox } from '../../sandbox/index.ts';

const action = (code: string) => `Thought: t\nCode:\n\`\`\`js\n${code}\n\`\`\`<end_code>`;
const answer = (x: number) => action(`final_answer(${x});`);
const sandbox = () => Sandbox.create({ memoryMb: 64, timeoutMs: 5000, maxOutputChars: 50_000, tools: {} });

/** Adds candidates one by one, as a model reports them, waiting for each to run and be counted. */
async function addAll(step: SagStep, texts: [number, string][]): Promise<void> {
  for (const [i, text] of texts) await step.add(i, text);
}

const stop = (minAgreement: number) => ({ minAgreement });

test('SagStep with early stop: a decided winner whose agreement clears the bar ends the step; the rest are recorded as stopped', async () => {
  const step = new SagStep(await sandbox(), 5, stop(0.5));
  await addAll(step, [[1, answer(7)], [3, answer(8)], [0, answer(7)]]);
  assert.equal(step.enough.aborted, false, '7 leads 8 by one, and two are still open');
  await addAll(step, [[4, answer(7)]]);
  assert.equal(step.enough.aborted, true, '3 of 5 agree: the last one can change neither');
  const texts = [answer(7), answer(7), 'cut sho', answer(8), answer(7)];
  const out = await step.finish(texts);
  assert.equal(out.records.findIndex((r) => r.chosen), 0, 'the earliest member of the majority');
  assert.equal(out.chosen.result?.finalAnswer?.value, '7');
  assert.match(out.records[2]!.error!, /not finished: the vote was already decided/);
  assert.equal(out.records[2]!.voteKey, null);
  assert.deepEqual(out.records.map((r) => r.votes), [3, 3, 0, 1, 3]);
  assert.equal(out.agreement, 3 / 5, 'a lower bound: the stopped candidate counts as disagreeing');
  out.sandbox.dispose();
});

test('SagStep without early stop, or a model that never reports candidates: every text runs and votes', async () => {
  const texts = [answer(8), answer(7), answer(7), answer(7), action('throw new Error("x")')];
  const off = new SagStep(await sandbox(), 5, null);
  await addAll(off, [[1, texts[1]!], [2, texts[2]!], [3, texts[3]!]]);
  assert.equal(off.enough.aborted, false);
  const a = await off.finish(texts);
  assert.deepEqual(a.records.map((r) => r.votes), [1, 3, 3, 3, 0]);
  assert.equal(a.records.findIndex((r) => r.chosen), 1);
  a.sandbox.dispose();
  const silent = await new SagStep(await sandbox(), 5, stop(0.5)).finish(texts);
  assert.deepEqual(silent.records.map((r) => r.votes), [1, 3, 3, 3, 0]);
  assert.equal(silent.agreement, 3 / 5);
  silent.sandbox.dispose();
});

test('SagStep early stop waits while the open candidates could still change the route, and stops once the route is lost anyway', async () => {
  // Winner decided (3 against 1, one open) but agreement 3/5 < 0.8 could still reach 4/5.
  const strict = new SagStep(await sandbox(), 5, stop(0.8));
  await addAll(strict, [[0, answer(7)], [1, answer(7)], [2, answer(7)], [3, answer(8)]]);
  assert.equal(strict.enough.aborted, false);
  (await strict.finish([answer(7), answer(7), answer(7), answer(8), answer(7)])).sandbox.dispose();

  // Five of eight fail, two agree, one open: the winner is decided and even with the last one
  // the agreement (3/8) stays under 0.5, so the router escalates either way.
  const failing = action('throw new Error("no")');
  const lost = new SagStep(await sandbox(), 8, stop(0.5));
  await addAll(lost, [[0, failing], [1, answer(7)], [2, failing], [3, failing], [4, answer(7)], [5, failing], [6, failing]]);
  assert.equal(lost.enough.aborted, true);
  const out = await lost.finish([failing, answer(7), failing, failing, answer(7), failing, failing, 'cut']);
  assert.equal(out.records.findIndex((r) => r.chosen), 1);
  assert.equal(out.agreement, 2 / 8);
  assert.match(out.records[7]!.error!, /not finished/);
  out.sandbox.dispose();
});

test('SagStep early stop does not wait for a candidate whose code still runs once the vote is decided', async () => {
  // Candidate 0 loops until the action's 5 s limit; 1 and 2 agree, which decides a vote of 3.
  const hang = action('while (true) {}');
  const step = new SagStep(await sandbox(), 3, stop(0.5));
  const running = step.add(0, hang);
  await addAll(step, [[1, answer(7)], [2, answer(7)]]);
  assert.equal(step.enough.aborted, true);
  const out = await step.finish([hang, answer(7), answer(7)]);
  assert.match(out.records[0]!.error!, /not finished: the vote was already decided/, 'stopped, not a timeout after 5 s');
  assert.equal(out.records.findIndex((r) => r.chosen), 1);
  assert.equal(out.agreement, 2 / 3);
  out.sandbox.dispose();
  await running; // its fork is freed once the time limit ends the loop
});

test('SagStep: a candidate whose fork rejects (it could not equal the live state) fails and never votes; the others still decide', async () => {
  const live = await sandbox();
  let forks = 0;
  const fork = live.fork.bind(live);
  live.fork = () => (++forks === 2 ? Promise.reject(new Error('diverged at action 1')) : fork());
  const step = new SagStep(live, 3, null);
  const out = await step.finish([answer(7), answer(8), answer(7)]);
  assert.match(out.records[1]!.error!, /could not be copied for this candidate: diverged at action 1/);
  assert.equal(out.records[1]!.voteKey, null);
  assert.equal(out.chosen.result?.finalAnswer?.value, '7');
  out.sandbox.dispose();
});
