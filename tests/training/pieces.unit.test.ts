import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { dataDir } from '../../config/index.ts';
import { parseAction } from '../../agent/parse.ts';
import type { EvalReport, EvalRow } from '../../agent/index.ts';
import { buildSet } from '../../training/build.ts';
import { collectFromGenerated, collectFromStore, dedupe } from '../../training/collect.ts';
import { nextRun, parseCron } from '../../training/cron.ts';
import type { Example } from '../../training/example.ts';
import { filterExamples } from '../../training/filter.ts';
import { renderAction } from '../../training/format.ts';
import { decide, studentConfig, summarize, type EvalSummary } from '../../training/gate.ts';
import { acquireLock, JobLockedError } from '../../training/lock.ts';
import { currentStudentVersion, promote, rollback, saveManifest, versionDir, watchStudentVersion } from '../../models/index.ts';
import { readSftFile, replayRecords, toChat, writeSftSet } from '../../training/sft-set.ts';
import type { QuestionDetail, StepRecord, TrajectoryRecord } from '../../store/types.ts';
import { arithmeticRecord, fakeStore, testConfig, writeGenerated } from './helpers.ts';

const step = (over: Partial<StepRecord> = {}): StepRecord => ({ index: 0, thought: 't', code: 'final_answer(1)', observation: '', error: null, latencyMs: 0, promptTokens: 0, completionTokens: 0, ...over });
const example = (over: Partial<Example> = {}): Example => ({ id: 'x', question: 'q?', answer: '1', firstThought: null, steps: [step()], outcome: 'final', source: 'store', ...over });

test('cron: fields, lists, ranges, steps and the next run', () => {
  const m = parseCron('30 3 * * 1-5');
  assert.equal(m(new Date('2026-11-25T03:30:00Z')), true); // a Wednesday
  assert.equal(m(new Date('2026-11-29T03:30:00Z')), false); // a Sunday
  assert.equal(nextRun('*/15 * * * *', new Date('2026-11-25T10:07:10Z'))!.toISOString(), '2026-11-25T10:15:00.000Z');
  assert.equal(nextRun('0 3 * * *', new Date('2026-11-25T03:00:00Z'))!.toISOString(), '2026-11-26T03:00:00.000Z');
  assert.throws(() => parseCron('0 25 * * *'), /outside 0-23/);
  assert.throws(() => parseCron('0 3 * *'), /5 fields/);
});

test('format: rendered actions parse back with agent/\'s parser', () => {
  const a = { thought: 'add', code: 'console.log(1 + 2);' };
  const p = parseAction(renderAction(a));
  assert.deepEqual({ thought: p.thought, code: p.code }, a);
  assert.equal(parseAction(renderAction({ thought: 'nothing to run', code: null })).code, null);
});

test('filter: drops parse errors and max-steps runs, keeps recovered code errors', () => {
  const { kept, report } = filterExamples(
    [
      example({ id: 'ok' }),
      example({ id: 'recovered', steps: [step({ error: 'ReferenceError: x is not defined' }), step({ index: 1 })] }),
      example({ id: 'parse', steps: [step({ code: null, error: 'parse error' }), step({ index: 1 })] }),
      example({ id: 'max', outcome: 'max_steps' }),
      example({ id: 'long', steps: [step(), step(), step()] }),
    ],
    2,
  );
  assert.deepEqual(kept.map((e) => e.id), ['ok', 'recovered']);
  assert.equal(report.recoveredErrors, 1);
  assert.deepEqual(report.dropped, { notFinal: 0, parseError: 1, maxSteps: 2, noAnswer: 0 });
});

test('collect: the policy decides which teacher trajectories count; edited answers replace the final one', async () => {
  const traj = (id: string, questionId: string, over: Partial<TrajectoryRecord> = {}): TrajectoryRecord => ({
    id, questionId, role: 'teacher', model: 'teacher', adapter: null, firstThought: null, steps: [step()], finalAnswer: '1', outcome: 'final',
    latencyMs: 0, promptTokens: 0, completionTokens: 0, createdAt: '', curation: 'pending', editedAnswer: null, curatedBy: null, curatedAt: null, ...over,
  });
  const detail = (id: string, down = false): QuestionDetail => ({
    question: { id, text: `question ${id}` } as QuestionDetail['question'], trajectories: [], curationLog: [],
    feedback: down ? [{ id: 'f', questionId: id, trajectoryId: null, user: 'u', value: 'down', surface: 'cli', createdAt: '' }] : [],
  });
  const store = fakeStore(
    [traj('a', 'qa', { curation: 'approved', editedAnswer: '42' }), traj('b', 'qb'), traj('c', 'qc'), traj('d', 'qd', { curation: 'rejected' }), traj('e', 'qe', { role: 'student' })],
    { qa: detail('qa'), qb: detail('qb'), qc: detail('qc', true), qd: detail('qd'), qe: detail('qe') },
  );
  const unflagged = await collectFromStore(store, testConfig());
  assert.deepEqual(unflagged.map((e) => e.id), ['a', 'b']);
  assert.equal(unflagged[0]!.answer, '42');
  assert.equal(unflagged[0]!.steps.at(-1)!.code, 'final_answer("42");');
  const approved = await collectFromStore(store, testConfig({ distill: { policy: 'approved' } }));
  assert.deepEqual(approved.map((e) => e.id), ['a']);
});

test('SFT set: chat turns, a stable held-out split, manifest hashes, replay and dedupe', () => {
  const config = testConfig();
  const dir = path.join(dataDir(config), 'set');
  const file = writeGenerated(dataDir(config), [arithmeticRecord(1, 2), { ...arithmeticRecord(3, 4), kept: false }, ...Array.from({ length: 30 }, (_, i) => arithmeticRecord(i, 100))]);
  const examples = dedupe([...collectFromGenerated(file), ...collectFromGenerated(file)]);
  assert.equal(examples.length, 31);
  const chat = toChat(examples[0]!, 'SYSTEM');
  assert.deepEqual(chat.messages.map((m) => m.role), ['system', 'user', 'assistant', 'user', 'assistant']);
  assert.match(chat.messages[3]!.content, /^Observation:\n3$/);
  const m1 = writeSftSet(examples, { dir, systemPrompt: 'SYSTEM', heldOutShare: 0.3 });
  assert.equal(m1.counts.train + m1.counts.heldOut, 31);
  assert.ok(m1.counts.heldOut > 0 && m1.counts.train > 0);
  const heldOut = readSftFile(path.join(dir, 'heldout.jsonl')).map((r) => r.question);
  const m2 = writeSftSet([...examples].reverse(), { dir: `${dir}2`, systemPrompt: 'SYSTEM', heldOutShare: 0.3 });
  assert.deepEqual(readSftFile(path.join(`${dir}2`, 'heldout.jsonl')).map((r) => r.question).sort(), [...heldOut].sort());
  assert.equal(m2.counts.heldOut, m1.counts.heldOut);
  const replay = replayRecords(path.join(dir, 'train.jsonl'), 5);
  assert.equal(replay.length, 5);
  const m3 = writeSftSet(examples.slice(0, 3), { dir: `${dir}3`, systemPrompt: 'SYSTEM', heldOutShare: 0, replay });
  assert.deepEqual(m3.counts.bySource, { generated: 3, replay: 5 });
  assert.match(m3.datasetHash, /^[0-9a-f]{16}$/);
});

test('mix: generated files count under their source (distill.generated, SOURCE=FILE); an abstention is a final answer to the filter', async () => {
  const config = testConfig();
  const file = (name: string, records: ReturnType<typeof arithmeticRecord>[]) => {
    mkdirSync(path.join(dataDir(config), name));
    return writeGenerated(path.join(dataDir(config), name), records);
  };
  const wiki = file('wiki', [arithmeticRecord(1, 1), arithmeticRecord(1, 2)]);
  const math = file('math', [arithmeticRecord(2, 1)]);
  const plain = file('plain', [arithmeticRecord(3, 1)]);
  const r = await buildSet({ ...config, distill: { ...config.distill, generated: { wiki: [wiki] } } }, { generated: [`math=${math}`, plain], dir: path.join(dataDir(config), 'set') });
  assert.deepEqual(r.dataset.counts.bySource, { wiki: 2, math: 1, generated: 1 });
  assert.equal(filterExamples([example({ outcome: 'abstained', answer: 'I could not find it.' })], 2).kept.length, 1);
});

test('lock: a second job is refused; a dead owner\'s lock is taken over', () => {
  const file = path.join(dataDir(testConfig()), 'job.lock');
  const release = acquireLock(file);
  assert.throws(() => acquireLock(file), JobLockedError);
  release();
  writeFileSync(file, '999999999');
  acquireLock(file)();
  assert.equal(existsSync(file), false);
});

test('lock: in containers sharing the data volume, a former life\'s pid is stale and another host counts while its heartbeat goes on', () => {
  const file = path.join(dataDir(testConfig()), 'job.lock');
  // A container restarted after a crash gets its old pid (often 1) back: the lock is not its own.
  writeFileSync(file, `${process.pid} ${hostname()}`);
  acquireLock(file)();
  // Another container's pids mean nothing here: its lock holds while its mtime is fresh.
  writeFileSync(file, '1 other-container');
  assert.throws(() => acquireLock(file), /pid 1 on other-container/);
  const old = new Date(Date.now() - 20_000);
  utimesSync(file, old, old);
  acquireLock(file)();
  assert.equal(existsSync(file), false);
});

test('gate rule: promote only above the margin and within the regression bounds', () => {
  const config = testConfig();
  const s = (accuracy: number, over: Partial<EvalSummary> = {}): EvalSummary => ({ adapter: null, n: 10, accuracy, abstention: 0.1, avgSteps: 2, avgLatencyMs: 1000, sagN: 1, inDomain: null, rows: [], ...over });
  assert.equal(decide(config, s(0.5), s(0.6)).promote, true);
  assert.match(decide(config, s(0.5), s(0.51)).reasons[0]!, /not 2\.0% above/);
  assert.match(decide(config, s(0.5), s(0.7, { abstention: 0.3 })).reasons.join(), /abstention rose/);
  assert.match(decide(config, s(0.5), s(0.7, { avgSteps: 3.5 })).reasons.join(), /average steps rose/);
  assert.match(decide(config, s(0.5), s(0.7, { avgLatencyMs: 2000 })).reasons.join(), /latency rose/);
});

test('gate rule: a candidate better at math that loses in-domain accuracy beyond distill.maxRegression.inDomain is rejected', () => {
  const config = testConfig();
  const row = (id: string, em: boolean, correct = em) => ({ id, em, correct, abstained: false, steps: 2, latencyMs: 1000 }) as EvalRow;
  const inDomainIds = new Set(['d1', 'd2', 'd3', 'd4']);
  const summary = (mathRight: number, inDomainRight: number) =>
    summarize([{ adapter: null, sagN: 1, rows: [...['m1', 'm2', 'm3', 'm4', 'm5', 'm6'].map((id, i) => row(id, i < mathRight)), ...[...inDomainIds].map((id, i) => row(id, false, i < inDomainRight))] } as EvalReport], inDomainIds);
  const current = summary(2, 4);
  assert.deepEqual(current.inDomain, { n: 4, accuracy: 1 }, 'in-domain rows are graded leniently');
  const mathUp = decide(config, current, summary(6, 2));
  assert.equal(mathUp.promote, false);
  assert.deepEqual(mathUp.reasons, ["in-domain accuracy (4 held-out questions from the team's documents) fell from 100.0% to 50.0%, more than distill.maxRegression.inDomain (5.0%)"]);
  assert.equal(decide(config, current, summary(6, 4)).promote, true);
  assert.equal(decide(testConfig({ distill: { maxRegression: { inDomain: 0.5 } } }), current, summary(6, 2)).promote, true, 'within the allowed regression');
  assert.equal(summary(6, 0).inDomain!.accuracy, 0);
  assert.equal(summarize([{ adapter: null, sagN: 1, rows: [row('m1', true)] } as EvalReport], new Set()).inDomain, null, 'no in-domain questions, no in-domain rule');
});

test('gate config: the candidate runs as agent processes run a promoted adapter; the current one may be the base student', () => {
  const config = testConfig({ models: { student: 'tiny', studentAdapter: '/pinned.gguf' }, engine: { threads: 4, jobThreads: 1 } });
  const candidate = studentConfig(config, '/v2/adapter.gguf');
  assert.equal(candidate.models.studentAdapter, '/v2/adapter.gguf');
  assert.equal(candidate.engine.threads, 1);
  assert.equal(candidate.models.student, 'tiny');
  assert.equal('studentAdapter' in studentConfig(config, null).models, false);
  assert.equal(studentConfig(testConfig({ engine: { threads: 3 } }), null).engine.threads, 3);
});

test('registry: promote moves the current pointer, rollback restores the previous version, watchers see both', async () => {
  const config = testConfig();
  const store = fakeStore();
  for (const v of ['v1', 'v2']) {
    mkdirSync(versionDir(config, v), { recursive: true });
    writeFileSync(path.join(versionDir(config, v), 'adapter.gguf'), 'GGUF');
    await saveManifest(config, { version: v, baseModel: 'tiny', adapterPath: null, datasetHash: v, evalReport: null, status: 'candidate', createdAt: new Date().toISOString(), promotedAt: null }, store);
  }
  const seen: (string | null)[] = [];
  const stop = watchStudentVersion(config, (v) => seen.push(v.version), 20);
  assert.equal(currentStudentVersion(config).version, null);
  await promote(config, 'v1', store);
  await new Promise((r) => setTimeout(r, 60));
  await promote(config, 'v2', store);
  assert.equal(currentStudentVersion(config).adapterPath, path.join(versionDir(config, 'v2'), 'adapter.gguf'));
  assert.equal((await rollback(config, store)).version, 'v1');
  assert.equal(store.versions.find((v) => v.version === 'v2')!.status, 'rolled_back');
  assert.equal((await rollback(config, store)).version, null);
  await assert.rejects(rollback(config, store), /nothing to roll back/);
  await new Promise((r) => setTimeout(r, 60));
  stop();
  assert.equal(seen[0], 'v1');
  assert.equal(seen.at(-1), null);
  assert.ok(JSON.parse(readFileSync(path.join(dataDir(config), 'models', 'current.json'), 'utf8')).history.length === 0);
});
