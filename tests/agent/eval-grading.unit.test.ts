// How `understudy eval` reads its datasets, grades a withheld teacher answer, matches citations to
// gold documents and splits its rates (answers/ grades one answer: tests/answers).
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { NOT_IN_DOCS } from '../../agent/deliver.ts';
import { citationHit, ratesOf, type Answered } from '../../agent/eval-report.ts';
import { ofTeacher, readDataset } from '../../agent/eval.ts';
import { gradeAnswer } from '../../answers/index.ts';
import { loadConfig, repoRoot } from '../../config/index.ts';
import { tempDir } from './helpers.ts';

test('readDataset: --split picks the rows of one split, with their gold documents; an unknown split is an error', () => {
  const file = path.join(tempDir('dataset'), 'set.jsonl');
  writeFileSync(file, [
    { id: 'a', question: 'q1?', answer: '27', sources: ['benefits-and-perks.md'], type: 'lookup', split: 'test' },
    { id: 'b', question: 'q2?', answer: '', answer_aliases: [], sources: [], type: 'unanswerable', split: 'dev' },
  ].map((r) => JSON.stringify(r)).join('\n'));
  assert.deepEqual(readDataset(file, { split: 'dev' }), [{ id: 'b', question: 'q2?', answers: [], sources: [], type: 'unanswerable' }]);
  assert.equal(readDataset(file).length, 2);
  assert.throws(() => readDataset(file, { split: 'train' }), /no questions with "split": "train"/);
});

test('evals/handbook.jsonl: 60 test questions (8+ the documents do not answer) and 24 dev ones, each answerable one with its documents', () => {
  const file = path.join(repoRoot, 'evals', 'handbook.jsonl');
  const testSplit = readDataset(file, { split: 'test' });
  assert.equal(testSplit.length, 60);
  assert.equal(readDataset(file, { split: 'dev' }).length, 24);
  assert.ok(testSplit.filter((q) => q.answers.length === 0).length >= 8);
  assert.ok(testSplit.every((q) => q.answers.length === 0 || q.sources.length > 0));
});
test("a withheld teacher answer is graded as the user gets it (an abstention), its raw answer beside it", () => {
  const config = loadConfig({ env: {}, overrides: {} });
  const guess = { steps: [], finalAnswer: '$500', outcome: 'final' as const, errors: 0, agreement: null, sources: [], searched: false, stalled: null, latencyMs: 5, promptTokens: 0, completionTokens: 0, modelMs: 0 };
  const unanswerable = { id: 'u', question: 'What is the dental deductible?', answers: [], sources: [], type: 'unanswerable' };
  const a = ofTeacher(config, unanswerable, guess, true);
  assert.equal(a.prediction, NOT_IN_DOCS);
  assert.equal(a.abstained, true);
  assert.equal(a.correct, true, 'withholding is the right answer where the documents say nothing');
  assert.equal(a.raw?.correct, false);
  const answerable = ofTeacher(config, { ...unanswerable, answers: ['$500'] }, guess, true);
  assert.equal(answerable.correct, false, 'a withheld answer is not credited, even when the guess was right');
  assert.equal(answerable.raw?.correct, true);
});

test('citations match gold documents by file name; rates split answerable from unanswerable', () => {
  assert.equal(citationHit(['handbook/severance.md'], ['severance.md']), true);
  assert.equal(citationHit(['handbook/benefits-and-perks.md'], ['severance.md']), false);
  assert.equal(citationHit([], ['severance.md']), null);
  const a = (over: Partial<Answered>): Answered => ({ ...gradeAnswer('27', ['27']), prediction: '27', cited: [], citationHit: null, steps: 2, latencyMs: 1000, tokens: 0, outcome: 'final', note: null, ...over });
  const rates = ratesOf([
    { a: a({ cited: ['handbook/benefits-and-perks.md', 'handbook/severance.md'] }), gold: ['27'], goldSources: ['benefits-and-perks.md'] },
    { a: a({ ...gradeAnswer('10', ['27']), prediction: '10', latencyMs: 3000 }), gold: ['27'], goldSources: ['benefits-and-perks.md'] },
    { a: a({ ...gradeAnswer("I don't know", []), prediction: "I don't know", steps: 1, latencyMs: 2000 }), gold: [], goldSources: [] },
  ]);
  assert.equal(rates.accuracy, 2 / 3);
  assert.equal(rates.answerableAccuracy, 1 / 2);
  assert.equal(rates.citationPrecision, 1 / 2, 'one of the two cited sources is the gold document');
  assert.equal(rates.unsourced, 1 / 2, 'the second answerable question was answered without a source');
  assert.equal(rates.abstainedUnanswerable, 1);
  assert.equal(rates.abstainedAnswerable, 0);
  assert.equal(rates.p50LatencyMs, 2000);
});
