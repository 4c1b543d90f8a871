// answers/: normalizing, voting keys, gold references and grading, and the one comparison the
// admin dashboard and the promotion gate share.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dashboard } from '../../admin/stats.ts';
import { answerKey, goldOf, gradeAnswer, gsm8kParts, isAbstention, normalizeAnswer, referenceAnswer, sameAnswer } from '../../answers/index.ts';
import { SqliteLogStore } from '../../store/index.ts';
import { answered, trajectory } from '../store/fixtures/records.ts';

test('answers normalize for voting: numbers by value, text without case, punctuation or articles', () => {
  assert.equal(answerKey('$1,800'), answerKey('1800'));
  assert.equal(answerKey('18.0'), answerKey('18'));
  assert.equal(answerKey('The Eiffel Tower.'), answerKey('eiffel tower'));
  assert.equal(normalizeAnswer('  A  spirit! '), 'spirit');
  assert.equal(normalizeAnswer('  An  Apple!! '), 'apple');
});

test('gold: GSM8K references are reduced to the number, aliases count, the worked solution splits off', () => {
  assert.equal(referenceAnswer('so 3+4=7\n#### 1,234'), '1,234');
  assert.equal(referenceAnswer('Paris'), 'Paris');
  assert.deepEqual(goldOf({ answer: 'She makes 9 * 2 = $18.\n#### 18' }), ['18']);
  assert.deepEqual(goldOf({ answer: 'G. Stanley Hall', answer_aliases: ['Stanley Hall'] }), ['G. Stanley Hall', 'Stanley Hall']);
  assert.deepEqual(goldOf({ answer: '' }), [], 'no answer: a question the documents do not answer');
  assert.deepEqual(gsm8kParts('3 + 4 = <<3+4=7>>7\n#### 7'), { work: '3 + 4 = <<3+4=7>>7', reference: '7' });
  assert.equal(gsm8kParts('Paris'), null);
});

test('grading: GSM8K numeric gold, exact match and token F1 for text, aliases, abstention', () => {
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

test('abstention detection', () => {
  for (const a of ["I don't know", 'I could not find this in the documents.', 'The handbook does not mention it', 'Unknown', '']) assert.ok(isAbstention(a), a);
  for (const a of ['16 weeks at 100% pay', 'London', 'no']) assert.ok(!isAbstention(a), a);
});

test('sameAnswer: case, punctuation and articles aside; numbers by value', () => {
  assert.ok(sameAnswer('The corporate VPN.', 'corporate vpn'));
  assert.ok(sameAnswer('1,000', '1000'));
  assert.ok(sameAnswer('480.0', '480'));
  assert.ok(!sameAnswer('480', '48'));
  assert.ok(!sameAnswer('Use the VPN', 'Ask your manager'));
});

test("the dashboard's shadow accuracy and the gate agree on the same answer", async () => {
  const pairs: [answer: string, reference: string, same: boolean][] = [
    ['$1,234', '1234', true],
    ['The answer is 18.', '#### 18', true],
    ['Paris, France', 'paris', false],
  ];
  for (const [answer, reference, same] of pairs) {
    const store = new SqliteLogStore(':memory:');
    const id = await store.createQuestion({ text: 'q', surface: 'cli' });
    await store.finishQuestion(id, answered({ answer: reference }));
    await store.addTrajectory(trajectory(id, { role: 'shadow', finalAnswer: answer }));
    const shown = (await dashboard(store, 1)).totals.accuracy;
    await store.close();
    // The gate scores a pool question by the eval's exact match against the row's gold answers.
    const gated = gradeAnswer(answer, goldOf({ answer: reference })).em;
    assert.equal(gated, same, `${answer} vs ${reference}`);
    assert.equal(shown, Number(gated), `${answer} vs ${reference}`);
  }
});
