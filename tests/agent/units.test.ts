import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isAbstention } from '../../agent/abstain.ts';
import { gradeAnswer, goldOf } from '../../agent/grade.ts';
import { answerKey, normalizeAnswer } from '../../agent/normalize.ts';

test('answers normalize for voting: numbers by value, text without case, punctuation or articles', () => {
  assert.equal(answerKey('$1,800'), answerKey('1800'));
  assert.equal(answerKey('18.0'), answerKey('18'));
  assert.equal(answerKey('The Eiffel Tower.'), answerKey('eiffel tower'));
  assert.equal(normalizeAnswer('  A  spirit! '), 'spirit');
});

test('grading: GSM8K numeric gold, exact match and token F1 for text, aliases, abstention', () => {
  assert.deepEqual(goldOf({ answer: 'She makes 9 * 2 = $18.\n#### 18' }), ['18']);
  assert.deepEqual(goldOf({ answer: 'G. Stanley Hall', answer_aliases: ['Stanley Hall'] }), ['G. Stanley Hall', 'Stanley Hall']);
  assert.equal(gradeAnswer('She makes $18 every day', ['18']).em, true);
  assert.equal(gradeAnswer('1,234', ['1234']).em, true);
  assert.equal(gradeAnswer('17', ['18']).em, false);
  assert.equal(gradeAnswer('Stanley Hall', ['G. Stanley Hall', 'Stanley Hall']).em, true);
  const partial = gradeAnswer('the spirit Lilu', ['a spirit']);
  assert.equal(partial.em, false);
  assert.ok(partial.f1 > 0.5 && partial.f1 < 1);
  assert.equal(gradeAnswer("I don't know", ['yes']).abstained, true);
  assert.equal(gradeAnswer(null, ['yes']).abstained, true);
});

test('abstention detection', () => {
  for (const a of ["I don't know", 'I could not find this in the documents.', 'The handbook does not mention it', 'Unknown', '']) assert.ok(isAbstention(a), a);
  for (const a of ['16 weeks at 100% pay', 'London', 'no']) assert.ok(!isAbstention(a), a);
});
