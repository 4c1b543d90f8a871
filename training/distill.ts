import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/index.ts';
import { currentStudentVersion, nextVersion, promote, saveManifest, versionDir, type VersionManifest } from '../models/index.ts';
import { openRetriever, type Retriever } from '../retrieval/index.ts';
import type { LogStore } from '../store/index.ts';
import { keptBootstrap } from './bootstrap-cache.ts';
import { collectExamples } from './build.ts';
import type { FilterReport } from './filter.ts';
import { gate, type GateQuestion, type GateReport } from './gate.ts';
import { acquireLock } from './lock.ts';
import { runsDir } from './paths.ts';
import { studentPrompt } from './prompts.ts';
import { readQuestions } from './questions.ts';
import type { PythonRun } from './python.ts';
import { readSftFile, replayRecords, writeSftSet, type SftManifest } from './sft-set.ts';
import { convertAdapter, startTraining, type TrainReport } from './train.ts';

export interface DistillOptions {
  store: LogStore;
  /** Cache files of `understudy distill generate` to add to the store's trajectories. */
  generated?: string[];
  /** Only trajectories logged since (ISO time). */
  since?: string;
  log?: (line: string) => void;
  /** Trainer output (progress bar); defaults to stderr. */
  trainerLog?: (chunk: string) => void;
  /** Sees the trainer process (tests kill it to simulate a crash). */
  onTrainer?: (run: PythonRun) => void;
  /**
   * The gate's `search` index. Absent: the job opens the configured one (Chroma) for the gate, as
   * an agent process does; null: search reports itself unavailable.
   */
  retriever?: Retriever | null;
}

export interface DistillResult {
  version: string | null;
  promoted: boolean;
  reason: string;
  filter?: FilterReport;
  dataset?: SftManifest;
  train?: TrainReport;
  gate?: GateReport;
}

/**
 * What the gate scores: this set's held-out questions, the in-domain ones (held-out bootstrap
 * questions, graded against the reference from their chunk and searched in their collection) and
 * the configured eval set.
 */
export function gateQuestions(config: Config, dir: string): GateQuestion[] {
  const heldOut = readSftFile(path.join(dir, 'heldout.jsonl')).filter((r) => r.source !== 'bootstrap').map((r) => ({ question: r.question, answers: [r.answer] }));
  const inDomain = keptBootstrap(config)
    .filter(({ question: q }) => q.split === 'heldOut')
    .map(({ question: q }) => ({ question: q.question, answers: q.answer == null ? [] : [q.answer], collection: q.collection, inDomain: true }));
  const extra = config.distill.evalSet ? readQuestions(config.distill.evalSet, 0, config.distill.evalLimit).map((q) => ({ question: q.question, answers: [q.answer] })) : [];
  return [...heldOut, ...inDomain, ...extra];
}

/** Runs `fn` with the given retriever, or one opened (and closed) for it; a search outage does not stop the gate. */
async function withRetriever<T>(config: Config, given: Retriever | null | undefined, log: (l: string) => void, fn: (r: Retriever | null) => Promise<T>): Promise<T> {
  if (given !== undefined) return fn(given);
  const retriever = await openRetriever(config).catch((e: Error) => {
    log(`the gate runs without search: ${e.message}`);
    return null;
  });
  try {
    return await fn(retriever);
  } finally {
    await retriever?.close();
  }
}

/**
 * The nightly job: collect → filter → SFT set → train → convert → gate → promote. One job at a
 * time (a lock); any failure leaves the current version serving and says why (the result, the log
 * and `<dataDir>/distill/last-run.json`). Training resumes from the checkpoints of an interrupted
 * run on the same data set.
 */
export async function runDistill(config: Config, opts: DistillOptions): Promise<DistillResult> {
  const log = opts.log ?? ((l: string) => console.error(`distill: ${l}`));
  const release = acquireLock(path.join(runsDir(config), 'job.lock'));
  let result: DistillResult = { version: null, promoted: false, reason: '' };
  try {
    result = await job(config, opts, log);
  } catch (e) {
    result = { ...result, promoted: false, reason: `failed: ${e instanceof Error ? e.message : String(e)}` };
  } finally {
    release();
    log(result.reason);
    writeFileSync(path.join(runsDir(config), 'last-run.json'), JSON.stringify({ at: new Date().toISOString(), ...result, gate: undefined, promoted: result.promoted }, null, 2) + '\n');
  }
  return result;
}

async function job(config: Config, opts: DistillOptions, log: (l: string) => void): Promise<DistillResult> {
  const { kept, collected, filter } = await collectExamples(config, opts);
  log(`collected ${collected} trajectories, kept ${kept.length} (${JSON.stringify(filter.dropped)})`);
  if (kept.length < config.distill.minExamples) {
    return { version: null, promoted: false, reason: `skipped: ${kept.length} usable trajectories, distill.minExamples is ${config.distill.minExamples}`, filter };
  }

  const current = currentStudentVersion(config);
  const earlier = current.version ? path.join(versionDir(config, current.version), 'train.jsonl') : null;
  const replay = earlier && existsSync(earlier) ? replayRecords(earlier, Math.round(kept.length * config.distill.replayShare)) : [];
  const staging = path.join(runsDir(config), 'staging');
  rmSync(staging, { recursive: true, force: true });
  const dataset = writeSftSet(kept, { dir: staging, systemPrompt: studentPrompt(config), heldOutShare: config.distill.heldOutShare, replay });
  // The work dir is named by the data set, so rerunning after a crash resumes its checkpoints.
  const work = path.join(runsDir(config), `run-${dataset.datasetHash}`);
  if (existsSync(work)) rmSync(staging, { recursive: true });
  else renameSync(staging, work);
  log(`SFT set ${dataset.datasetHash}: ${dataset.counts.train} train, ${dataset.counts.heldOut} held out, ${replay.length} replayed; by source ${JSON.stringify(dataset.counts.bySource)}`);

  const run = await startTraining(config, work, opts.trainerLog);
  opts.onTrainer?.(run);
  await run.done;
  const train = JSON.parse(readFileSync(path.join(work, 'train-report.json'), 'utf8')) as TrainReport;
  log(`trained in ${train.trainSeconds}s on ${train.device}: train loss ${train.lossBefore.train.toFixed(3)} -> ${train.lossAfter.train.toFixed(3)}`);

  const version = nextVersion(config);
  const dir = versionDir(config, version);
  mkdirSync(dir, { recursive: true });
  await convertAdapter(config, work, path.join(dir, 'adapter.gguf'), opts.trainerLog);
  for (const f of ['train.jsonl', 'heldout.jsonl', 'train-report.json']) copyFileSync(path.join(work, f), path.join(dir, f));
  writeFileSync(path.join(dir, 'dataset-manifest.json'), JSON.stringify(dataset, null, 2) + '\n');

  const manifest: VersionManifest = {
    version, baseModel: config.distill.baseModel ?? config.models.student, adapterPath: path.join(dir, 'adapter.gguf'),
    datasetHash: dataset.datasetHash, evalReport: null, status: 'candidate', createdAt: new Date().toISOString(), promotedAt: null,
    trainReport: train, dataset: dataset.counts,
  };
  await saveManifest(config, manifest, opts.store);

  const questions = gateQuestions(config, dir);
  if (questions.length === 0) {
    await saveManifest(config, { ...manifest, status: 'rejected', evalReport: { error: 'no held-out or eval questions' } }, opts.store);
    return { version, promoted: false, reason: `${version} rejected: no held-out or eval-set questions to gate on`, filter, dataset, train };
  }
  const report = await withRetriever(config, opts.retriever, log, (retriever) =>
    gate(config, current.adapterPath, path.join(dir, 'adapter.gguf'), questions, {
      retriever,
      onRow: (who, r, i) => log(`gate ${who} [${i + 1}/${questions.length}] ${r.em ? 'ok' : r.abstained ? 'abstained' : 'miss'} in ${r.steps} steps, ${(r.latencyMs / 1000).toFixed(1)}s`),
    }),
  );
  writeFileSync(path.join(dir, 'eval-report.json'), JSON.stringify(report, null, 2) + '\n');
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const inDomain = report.current.inDomain && report.candidate.inDomain ? `, in-domain ${pct(report.current.inDomain.accuracy)} -> ${pct(report.candidate.inDomain.accuracy)} on ${report.candidate.inDomain.n}` : '';
  const summary = `accuracy ${pct(report.current.accuracy)} -> ${pct(report.candidate.accuracy)} on ${questions.length} questions${inDomain}`;
  if (!report.promote) {
    await saveManifest(config, { ...manifest, status: 'rejected', evalReport: report }, opts.store);
    return { version, promoted: false, reason: `${version} rejected (${summary}): ${report.reasons.join('; ')}`, filter, dataset, train, gate: report };
  }
  await saveManifest(config, { ...manifest, evalReport: report }, opts.store);
  await promote(config, version, opts.store);
  return { version, promoted: true, reason: `${version} promoted (${summary})`, filter, dataset, train, gate: report };
}
