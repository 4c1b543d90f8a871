// `distill generate` runs the teacher through agent/'s loop with the first-thought prefix; the tiny
// model stands in for the teacher.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { gradeAnswer } from '../../answers/index.ts';
import { dataDir } from '../../config/index.ts';
import { disposeModels } from '../../engine/index.ts';
import { generate, NoTeacherError } from '../../training/generate.ts';
import { testConfig } from './helpers.ts';

after(() => disposeModels());

test('generate: the teacher answers through agent/ with its first thought seeding step 1; the cache resumes', { timeout: 300_000 }, async () => {
  const config = testConfig({
    models: { student: 'tiny', teacher: 'tiny', contextSize: 4096 },
    teacher: { provider: 'local' },
    agent: { maxSteps: 2, maxTokensPerStep: 64, sagN: 1 },
    engine: { threads: 1, jobThreads: 1 },
  });
  const cacheFile = path.join(dataDir(config), 'generated.jsonl');
  const pool = [{ question: 'What is 6 plus 2?', answer: '8' }];
  const records = await generate(config, pool, { cacheFile, firstThought: 'answer' });
  assert.equal(records.length, 1);
  const r = records[0]!;
  assert.equal(r.error, undefined);
  assert.equal(r.model, 'tiny');
  assert.ok(r.firstThought, 'the teacher gave a first thought');
  assert.ok(r.steps.length >= 1, JSON.stringify(r));
  assert.ok(r.steps[0]!.thought.startsWith(r.firstThought!), `step 1 opens with the first thought: ${JSON.stringify([r.firstThought, r.steps[0]!.thought])}`);
  assert.equal(r.kept, r.outcome === 'final' && gradeAnswer(r.finalAnswer, ['8']).em);
  assert.equal(readFileSync(cacheFile, 'utf8').trim().split('\n').length, 1);
  assert.deepEqual(await generate(config, pool, { cacheFile, firstThought: 'answer' }), [], 'a rerun skips cached questions');
  await assert.rejects(generate(testConfig({ teacher: { provider: 'none' } }), pool, { cacheFile, firstThought: 'answer' }), NoTeacherError);
});
