import assert from 'node:assert/strict';
import { test } from 'node:test';
import { citedPassages } from '../../agent/cite.ts';
import { cutAtStop } from '../../agent/llm.ts';
import type { AgentRun } from '../../agent/loop.ts';
import { observationOf } from '../../agent/observation.ts';
import { parseAction } from '../../agent/parse.ts';
import { decide } from '../../agent/router.ts';
import { vote } from '../../agent/vote.ts';
import { loadConfig } from '../../config/index.ts';
import type { Passage } from '../../retrieval/index.ts';

test('parseAction reads the thought and the fenced code, and explains a missing block', () => {
  const p = parseAction('Thought: add them up\nCode:\n```js\nconst x = 1 + 2;\nfinal_answer(x);\n```<end_code>');
  assert.equal(p.thought, 'add them up');
  assert.equal(p.code, 'const x = 1 + 2;\nfinal_answer(x);');
  assert.equal(p.error, null);
  assert.equal(parseAction('Thought: x\n```javascript\nprint(1)').code, 'print(1)', 'an unclosed block (stopped at the marker) still parses');
  const bad = parseAction('Thought: I think the answer is 4.');
  assert.equal(bad.code, null);
  assert.match(bad.error!, /no code block/);
  assert.match(parseAction('```js\n\n```').error!, /empty/);
});

test('vote: the largest group wins, ties go to the earliest, all failed keeps the first', () => {
  assert.deepEqual(vote(['a', 'b', 'b', null, 'a', 'b']), { winner: 1, votes: [2, 3, 3, 0, 2, 3], agreement: 0.5 });
  assert.equal(vote(['x', 'y', 'y', 'x']).winner, 0);
  assert.equal(vote([null, 'y', 'z', 'z', 'y']).winner, 1);
  assert.deepEqual(vote([null, null]), { winner: 0, votes: [0, 0], agreement: 0 });
  assert.equal(vote(['only']).agreement, 1);
});

test('observations: logs and last value, final answer, errors with a retry hint, stop cutting', () => {
  const base = { value: null, finalAnswer: null, error: null, durationMs: 1, toolCalls: [] };
  assert.equal(observationOf({ ...base, output: 'hi\n', value: '3' }), 'Execution logs:\nhi\nLast output from code snippet:\n3');
  assert.match(observationOf({ ...base, output: '', finalAnswer: { value: '42' } }), /Final answer: 42/);
  const err = observationOf({ ...base, output: '', error: { kind: 'runtime', message: 'x is not defined', line: 2 } });
  assert.match(err, /line 2.*x is not defined/);
  assert.match(err, /retry/);
  assert.deepEqual(cutAtStop('code```<end_code>more', ['Observation:', '<end_code>']), { text: 'code```', stopped: true });
});

function run(over: Partial<AgentRun>): AgentRun {
  return { steps: [], finalAnswer: '42', outcome: 'final', errors: 0, agreement: null, sources: [], searched: false, stalled: null, latencyMs: 0, promptTokens: 0, completionTokens: 0, modelMs: 0, ...over };
}

test('router: escalates on max steps, repeated errors, low agreement and abstention, each with its reason', () => {
  const rules = loadConfig({ env: {}, overrides: {} }).router;
  assert.equal(decide(run({}), rules, 5, false).escalate, false);
  assert.match(decide(run({ outcome: 'max_steps' }), rules, 5, false).reason, /no final answer within 5 steps/);
  assert.match(decide(run({ errors: 2 }), rules, 5, false).reason, /2 failed steps/);
  assert.match(decide(run({ agreement: 0.25 }), rules, 5, false).reason, /agreement 0.25 below 0.5/);
  assert.equal(decide(run({ agreement: 0.75 }), rules, 5, false).escalate, false);
  assert.match(decide(run({ outcome: 'abstained', finalAnswer: "I don't know" }), rules, 5, false).reason, /abstained/);
  assert.equal(decide(run({ outcome: 'abstained' }), { ...rules, escalateOnAbstain: false }, 5, false).escalate, false);
});

test('citations: a passage supports an answer where a sentence, list item or table cell holding it is about the question, not through a number elsewhere in it', () => {
  const passage = (headingPath: string, text: string): Passage => ({ chunkId: headingPath, source: 'handbook/benefits-and-perks.md', title: 'Benefits & Perks', headingPath, text, score: 0.5 });
  const premiums = passage('Benefits & Perks > Health Insurance', 'Monthly premiums paid by you:\n* Employee-only medical coverage: $96.05\n* Family coverage: $310.45');
  const vacation = passage('Benefits & Perks > Paid Time Off > Vacation', 'You can bank up to 27 days at any time. Unused days roll over.');
  const cite = (answer: string, question: string, code: string | null = null) => citedPassages(answer, [premiums, vacation], { code, question }).map((s) => s.title);
  assert.deepEqual(cite('96.05', 'What is the monthly premium for employee-only medical coverage?'), ['Benefits & Perks > Health Insurance']);
  assert.deepEqual(cite('96.05', "What's the annual deductible on our dental plan?"), [], 'the number is there, but nothing near it is about a dental deductible');
  assert.deepEqual(cite('96.05', "What's the annual deductible on our dental plan?", 'final_answer(96.05)'), [], 'a copied number is no computation');
  assert.deepEqual(cite('214.4', "What's the annual deductible on our dental plan?", 'final_answer(310.45 - 96.05)'), [], 'nor is one computed from numbers off the topic');
  assert.deepEqual(cite('27 days', 'What is the most vacation days I can have banked?'), ['Benefits & Perks > Paid Time Off > Vacation'], 'the heading names the topic');
  assert.deepEqual(cite('17', 'I used 10 of my banked vacation days; how many more could I bank?', 'final_answer(27 - 10)'), ['Benefits & Perks > Paid Time Off > Vacation'], 'a computed answer cites where its numbers came from');
  assert.deepEqual(cite('45 days', 'What is the most vacation days I can have banked?'), []);
});
