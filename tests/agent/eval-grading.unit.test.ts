// How `understudy eval` reads its datasets and grades a withheld teacher answer.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { NOT_IN_DOCS } from '../../agent/deliver.ts';
import { ofTeacher, readDataset } from '../../agent/eval.ts';
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
