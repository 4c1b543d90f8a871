// The distillation cycle on CPU with the tiny model (SmolLM2-135M as the student) and a handful
// of trajectories: train, convert, load in node-llama-cpp, gate, promote/rollback, crash.
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { LlamaChatSession, readGgufFileInfo } from 'node-llama-cpp';
import { dataDir } from '../../config/index.ts';
import { disposeModels, loadModel } from '../../engine/index.ts';
import { collectFromGenerated } from '../../training/collect.ts';
import { runDistill } from '../../training/distill.ts';
import { acquireLock } from '../../training/lock.ts';
import { runsDir } from '../../training/paths.ts';
import { studentPrompt } from '../../training/prompts.ts';
import { currentStudentVersion, listVersions, promote, rollback, saveManifest, versionDir } from '../../models/index.ts';
import { writeSftSet } from '../../training/sft-set.ts';
import type { PythonRun } from '../../training/python.ts';
import { convertAdapter, startTraining, type TrainReport } from '../../training/train.ts';
import { arithmeticRecord, fakeStore, testConfig, writeGenerated } from './helpers.ts';

const pairs = [[3, 4], [5, 2], [6, 7], [8, 1], [2, 9], [4, 4], [7, 3], [1, 6]] as const;
const config = testConfig({
  agent: { maxSteps: 2, maxTokensPerStep: 40, sagN: 1 },
  engine: { threads: 1, jobThreads: 1 },
  distill: { minExamples: 4, heldOutShare: 0.25, evalLimit: 3, replayShare: 0, lora: { r: 8, alpha: 16, learningRate: 2e-3, epochs: 3, batchSize: 4, gradAccum: 1, maxSeqLen: 1024 } },
});
const root = dataDir(config);
const evalSet = path.join(root, 'eval.jsonl');
writeFileSync(evalSet, ([[2, 3], [6, 1], [5, 5]] as const).map(([a, b]) => JSON.stringify({ question: `What is ${a} plus ${b}?`, answer: String(a + b) })).join('\n') + '\n');
config.distill.evalSet = evalSet;
const store = fakeStore();

after(() => disposeModels());

async function greedy(adapter: string | null): Promise<string> {
  const model = await loadModel(config, config.models.student);
  const context = await model.createContext({ contextSize: 512, threads: 1, ...(adapter ? { lora: { adapters: [{ filePath: adapter }] } } : {}) });
  try {
    const session = new LlamaChatSession({ contextSequence: context.getSequence(), systemPrompt: studentPrompt(config) });
    return await session.prompt('What is 6 plus 2?', { maxTokens: 24, temperature: 0 });
  } finally {
    await context.dispose();
  }
}

test('LoRA training lowers the loss; the GGUF adapter loads in node-llama-cpp and changes the output', async () => {
  const dir = path.join(root, 'manual');
  const examples = collectFromGenerated(writeGenerated(root, pairs.map(([a, b]) => arithmeticRecord(a, b, { short: true }))));
  writeSftSet(examples, { dir, systemPrompt: studentPrompt(config), heldOutShare: 0.25 });
  await (await startTraining(config, dir, () => {})).done;
  const report = (await import(path.join(dir, 'train-report.json'), { with: { type: 'json' } })).default as TrainReport;
  assert.ok(report.lossAfter.train < report.lossBefore.train * 0.8, `loss ${report.lossBefore.train} -> ${report.lossAfter.train}`);

  const v1 = versionDir(config, 'v1');
  const adapter = path.join(v1, 'adapter.gguf');
  await convertAdapter(config, dir, adapter, () => {});
  const info = await readGgufFileInfo(adapter);
  assert.equal((info.metadata.general as Record<string, unknown>).type, 'adapter');
  assert.ok(info.fullTensorInfo!.some((t) => t.name === 'blk.0.attn_q.weight.lora_a'));

  const base = await greedy(null);
  const tuned = await greedy(adapter);
  assert.notEqual(tuned, base);

  await saveManifest(config, { version: 'v1', baseModel: 'tiny', adapterPath: adapter, datasetHash: 'manual', evalReport: null, status: 'candidate', createdAt: new Date().toISOString(), promotedAt: null }, store);
  await promote(config, 'v1', store);
  assert.equal(currentStudentVersion(config).version, 'v1');
});

test('the gate rejects an adapter trained on corrupted data; v1 keeps serving', async () => {
  const file = writeGenerated(path.join(root, 'manual'), pairs.map(([a, b]) => arithmeticRecord(a + 10, b, { short: true, corrupt: true })));
  const gateLog: string[] = [];
  const r = await runDistill(config, { store, generated: [file], retriever: null, log: (l) => gateLog.push(l), trainerLog: () => {} });
  assert.equal(r.promoted, false, r.reason);
  // The gate ran both students through agent/'s eval: the serving v1 adapter, then the candidate's.
  assert.equal(r.gate!.current.adapter, path.join(versionDir(config, 'v1'), 'adapter.gguf'));
  assert.equal(r.gate!.candidate.adapter, path.join(versionDir(config, 'v2'), 'adapter.gguf'));
  assert.equal(r.gate!.candidate.rows.length, r.gate!.questions);
  assert.ok(gateLog.some((l) => /^gate candidate \[1\//.test(l)), gateLog.join('\n'));
  assert.match(r.reason, /^v2 rejected/);
  assert.ok(r.gate!.candidate.accuracy <= r.gate!.current.accuracy, JSON.stringify([r.gate!.current.accuracy, r.gate!.candidate.accuracy]));
  assert.equal(currentStudentVersion(config).version, 'v1');
  assert.equal(store.versions.find((v) => v.version === 'v2')!.status, 'rejected');
  assert.ok(existsSync(path.join(versionDir(config, 'v2'), 'eval-report.json')));
});

test('rollback restores the previous version', async () => {
  await promote(config, 'v2', store);
  assert.equal(currentStudentVersion(config).version, 'v2');
  assert.equal((await rollback(config, store)).version, 'v1');
  assert.deepEqual(listVersions(config).map((v) => [v.version, v.status]), [['v1', 'promoted'], ['v2', 'rolled_back']]);
});

test('a trainer killed mid-training fails the job, v1 keeps serving and the lock is free', async () => {
  const file = writeGenerated(path.join(root, 'manual'), pairs.map(([a, b]) => arithmeticRecord(a + 20, b, { short: true })));
  let output = '';
  let work = '';
  let killedAfter: string | null = null;
  let trainer: PythonRun | undefined;
  const r = await runDistill(config, {
    store, generated: [file], retriever: null, log: () => {},
    // The trainer logs a `{'loss': …}` line after each optimizer step (logging_steps=1): kill it after the first.
    trainerLog: (chunk) => {
      output += chunk;
      const step = /\{'loss': [^}]*\}/.exec(output)?.[0];
      if (step && killedAfter === null && trainer) {
        killedAfter = step;
        trainer.child.kill('SIGKILL');
      }
    },
    onTrainer: (run) => {
      trainer = run;
      work = run.child.spawnargs[run.child.spawnargs.indexOf('--out') + 1]!;
    },
  });
  assert.ok(killedAfter, `the trainer was killed after a training step; its output:\n${output.slice(-2000)}`);
  assert.equal(r.promoted, false);
  assert.match(r.reason, /^failed: train\.py failed \(SIGKILL\)/);
  assert.ok(existsSync(path.join(work, 'loss-before.json')), 'training had started');
  assert.equal(existsSync(path.join(work, 'train-report.json')), false, 'training had not finished');
  assert.equal(existsSync(path.join(work, 'adapter')), false);
  assert.equal(currentStudentVersion(config).version, 'v1');
  assert.equal(listVersions(config).length, 2);
  acquireLock(path.join(runsDir(config), 'job.lock'))();
});
