// How `understudy eval` grades: leniently as users read answers, citations against the gold
// documents, abstention on questions the documents do not answer (never confused with failure).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { citationHit, ratesOf, type Answered } from '../../agent/eval-report.ts';
import { gradeAnswer } from '../../agent/grade.ts';

test('lenient grading: containment and numbers count, a list of numbers or a wrong fact does not', () => {
  assert.equal(gradeAnswer('You can bank up to 27 days of vacation.', ['27', '27 days']).correct, true);
  assert.equal(gradeAnswer('10', ['27']).correct, false);
  assert.equal(gradeAnswer('1, 5, 10, 27 or 30 days', ['27']).correct, false, 'more than three numbers is a list, not an answer');
  assert.equal(gradeAnswer('Ask Jason or David.', ['Jason or David']).correct, true);
  assert.equal(gradeAnswer('Ask Jason or David.', ['Jason or David']).em, false, 'exact match stays strict');
  assert.equal(gradeAnswer('Basecamp', ['Basecamp 4']).correct, false, 'the gold must be inside the answer');
  assert.equal(gradeAnswer("I don't know", ['27']).correct, false);
});

test('a question the documents do not answer is right only when abstained on', () => {
  assert.deepEqual(gradeAnswer("The handbook doesn't say.", []), { em: true, f1: 1, correct: true, numeric: false, abstained: true });
  assert.equal(gradeAnswer('$500 a year', []).correct, false);
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
