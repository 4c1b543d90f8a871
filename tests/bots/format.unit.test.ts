import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AskResult } from '../../agent/types.ts';
import { answeredBy } from '../../bots/format.ts';

const result = (over: Partial<AskResult> = {}): AskResult => ({
  answer: '42', route: 'teacher', reason: 'r', abstained: false, unverified: false, sources: [], steps: 2, latencyMs: 12_345,
  models: { student: 'qwen.gguf', adapter: null, teacher: 'teacher.gguf' }, logId: 'x', ...over,
});
const source = (name: string, score = 0.5) => ({ title: name, source: `${name}.md`, score });

test('the answer footer names the model in words, the time and the sources shown, then the caveats', () => {
  assert.equal(answeredBy(result({ sources: [source('a'), source('b'), source('a', 0.4)] })), 'Answered by the teacher model in 12.3 s · 2 sources');
  assert.equal(answeredBy(result({ route: 'student', latencyMs: 900, sources: [source('a')] })), 'Answered by the student model in 0.9 s · 1 source');
  assert.equal(answeredBy(result()), 'Answered by the teacher model in 12.3 s', 'no sources, no sources part');
  assert.equal(answeredBy(result({ route: 'student', unverified: true, abstained: true })), 'Answered by the student model in 12.3 s · unverified: the teacher was unreachable · not sure');
  assert.equal(answeredBy(result({ unverified: true })), 'Answered by the teacher model in 12.3 s · unverified: not found in the documents');
});
