// The pure pieces of `understudy distill bootstrap`: the task plan, reading what the teacher wrote, the trajectory filter.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Chunk } from '../../retrieval/index.ts';
import { heldOutDocuments, planTasks } from '../../training/bootstrap-plan.ts';
import { judgeRun } from '../../training/bootstrap-judge.ts';
import { parseJsonObject, readWritten } from '../../training/bootstrap-write.ts';
import type { StepRecord } from '../../store/types.ts';

const ABSTAIN = 'I could not find this in the documents.';

test('plan: kinds follow the mix in every prefix; documents split by a stable hash, a small collection still holds one out', () => {
  const chunks: Chunk[] = Array.from({ length: 10 }, (_, i) => ({ chunkId: `c${i}`, source: `doc${i % 5}.md`, title: `Doc ${i % 5}`, text: 'x'.repeat(120) }));
  const tasks = planTasks(chunks, { count: 10, heldOutDocShare: 0.2, kinds: { singleHop: 0.4, twoDocument: 0.2, arithmetic: 0.2, unanswerable: 0.2 } });
  const count = (k: string) => tasks.filter((t) => t.kind === k).length;
  assert.deepEqual([count('singleHop'), count('twoDocument'), count('arithmetic'), count('unanswerable')], [4, 2, 2, 2]);
  const more = planTasks(chunks, { count: 20, heldOutDocShare: 0.2, kinds: { singleHop: 0.4, twoDocument: 0.2, arithmetic: 0.2, unanswerable: 0.2 } });
  assert.deepEqual(more.slice(0, 10).map((t) => t.id), tasks.map((t) => t.id), 'a larger count extends the plan');
  for (const t of more) {
    assert.ok(t.chunks.every((c) => (heldOutDocuments(chunks.map((x) => x.source), 0.2).has(c.source) ? 'heldOut' : 'train') === t.split));
    if (t.kind === 'twoDocument' && t.chunks.length === 2) assert.notEqual(t.chunks[0]!.source, t.chunks[1]!.source);
  }
  assert.equal(heldOutDocuments(['a.md', 'b.md'], 0.01).size, 1);
  assert.equal(heldOutDocuments(['a.md', 'b.md'], 0).size, 0);
  assert.equal(planTasks([{ chunkId: 'h', source: 'a.md', title: 'A', text: '# A' }], { count: 5, heldOutDocShare: 0.2, kinds: { singleHop: 1, twoDocument: 0, arithmetic: 0, unanswerable: 0 } }).length, 0, 'a heading alone is no task');
});

test('written questions: JSON is read through fences and chatter; answers must be grounded in the chunk', () => {
  const chunk: Chunk = { chunkId: 'c1', source: 'leave.md', title: 'Leave', text: 'Primary caregivers get 16 weeks of paid leave; secondary caregivers get 6 weeks.' };
  const task = (kind: 'singleHop' | 'arithmetic' | 'unanswerable') => ({ id: 't', kind, chunks: [chunk], split: 'train' as const });
  assert.deepEqual(parseJsonObject('Here you go:\n```json\n{"question": "Q?", "answer": 3}\n```'), { question: 'Q?', answer: 3 });
  assert.equal(parseJsonObject('{"question": "Q?", answer: 3}'), null);
  assert.deepEqual(readWritten(task('singleHop'), '{"question": "How long is paid leave for primary caregivers?", "answer": "16 weeks"}'), { question: 'How long is paid leave for primary caregivers?', answer: '16 weeks' });
  assert.equal(readWritten(task('singleHop'), '{"question": "How long is paid leave for primary caregivers?", "answer": "20 weeks"}').dropped, 'ungrounded');
  assert.equal(readWritten(task('singleHop'), 'How long is paid leave?').dropped, 'malformed');
  assert.equal(readWritten(task('singleHop'), '{"question": "Who gets paid leave?", "answer": "Primary caregivers get 16 weeks of paid leave; secondary caregivers get 6 weeks."}').dropped, 'longAnswer');
  assert.equal(readWritten(task('arithmetic'), '{"question": "How many more weeks do primary caregivers get?", "expression": "16 - 6", "answer": 10}').answer, '10');
  assert.equal(readWritten(task('arithmetic'), '{"question": "How many more weeks do primary caregivers get?", "expression": "16 - 6", "answer": 12}').dropped, 'ungrounded', 'the result must be the expression\'s');
  assert.equal(readWritten(task('arithmetic'), '{"question": "How many weeks in two years of leave?", "expression": "16 * 2", "answer": 32}').dropped, 'ungrounded', 'every operand comes from the chunk');
  assert.deepEqual(readWritten(task('unanswerable'), '{"question": "Is parental leave paid at full salary?"}'), { question: 'Is parental leave paid at full salary?', answer: null });
});

test('filter: a trajectory without a search, with a parse error, a wrong answer or no final answer is dropped', () => {
  const step = (over: Partial<StepRecord> = {}): StepRecord => ({ index: 0, thought: 't', code: 'final_answer("16 weeks")', observation: '', error: null, latencyMs: 0, promptTokens: 0, completionTokens: 0, ...over });
  const searched = step({ code: 'print(search("leave"))', sources: [{ title: 'Leave', source: 'leave.md', chunkId: 'c1' } as never] });
  assert.equal(judgeRun({ steps: [searched, step()], outcome: 'final', finalAnswer: 'Primary caregivers get 16 weeks.' }, '16 weeks'), undefined);
  assert.equal(judgeRun({ steps: [step()], outcome: 'final', finalAnswer: '16 weeks' }, '16 weeks'), 'noSearch');
  assert.equal(judgeRun({ steps: [searched, step({ code: null, error: 'parse' }), step()], outcome: 'final', finalAnswer: '16 weeks' }, '16 weeks'), 'parseError');
  assert.equal(judgeRun({ steps: [searched, step()], outcome: 'final', finalAnswer: '12 weeks' }, '16 weeks'), 'wrongAnswer');
  assert.equal(judgeRun({ steps: [searched], outcome: 'max_steps', finalAnswer: null }, '16 weeks'), 'notFinal');
  assert.equal(judgeRun({ steps: [searched, step()], outcome: 'abstained', finalAnswer: ABSTAIN }, null), undefined, 'an unanswerable question is matched by abstaining');
  assert.equal(judgeRun({ steps: [searched, step()], outcome: 'final', finalAnswer: '16 weeks' }, null), 'wrongAnswer');
});
