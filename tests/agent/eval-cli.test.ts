import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { EvalReport } from '../../agent/eval.ts';
import { repoRoot } from '../../config/index.ts';
import { freePort, sharedData, tempDir } from './helpers.ts';

const GSM8K = path.join(sharedData, 'math', 'gsm8k_dev.jsonl');

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  report: string;
}

/**
 * `understudy eval` on 3 GSM8K questions with the tiny student (short steps, no search). With
 * `kill`, that signal is sent once the first question's progress line is on stderr, i.e. while the
 * second question runs.
 */
async function evalRun(env: Record<string, string>, args: string[], kill?: NodeJS.Signals): Promise<Run> {
  const data = tempDir('eval');
  const report = path.join(data, 'report.json');
  const child = spawn(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'eval', '--dataset', GSM8K, '--limit', '3', '--report', report, ...args], {
    cwd: repoRoot,
    env: {
      ...process.env,
      UNDERSTUDY_DATA_DIR: data,
      CHROMA_URL: `http://127.0.0.1:${await freePort()}`,
      UNDERSTUDY_MODELS_STUDENT: 'tiny',
      UNDERSTUDY_ENGINE_THREADS: '1',
      UNDERSTUDY_AGENT_MAX_STEPS: '1',
      UNDERSTUDY_AGENT_MAX_TOKENS_PER_STEP: '48',
      UNDERSTUDY_MODELS_CONTEXT_SIZE: '2048',
      ...env,
    },
  });
  let stdout = '';
  let stderr = '';
  let sent = false;
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (kill && !sent && stderr.includes('[1/3]')) {
      sent = true;
      child.kill(kill);
    }
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 300_000);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((ok) => child.once('close', (c, s) => ok([c, s])));
  clearTimeout(timer);
  return { code, signal, stdout, stderr, report };
}

const readReport = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as EvalReport;

test('eval: a failing question is a row with its error and the run goes on (teacher unreachable)', async () => {
  const closed = await freePort();
  const r = await evalRun({ UNDERSTUDY_TEACHER_PROVIDER: 'openai', UNDERSTUDY_TEACHER_BASE_URL: `http://127.0.0.1:${closed}/v1`, UNDERSTUDY_TEACHER_TIMEOUT_MS: '2000' }, ['--mode', 'teacher']);
  assert.equal(r.code, 0, r.stderr);
  const report = readReport(r.report);
  assert.equal(report.count, 3);
  assert.equal(report.failed, 3);
  assert.equal(report.partial, false);
  assert.equal(report.stopped, null);
  for (const row of report.rows) assert.match(row.error!, /unavailable/);
  for (const i of [1, 2, 3]) assert.match(r.stderr, new RegExp(`\\[${i}/3\\] .*error: `));
  assert.match(r.stdout, /gsm8k_dev\.jsonl\s+teacher\s+1\s+3\s+0\.0/);
});

test('eval --parallel: questions run at once on the student\'s slots; the report keeps dataset order', async () => {
  const r = await evalRun({}, ['--sag', '2', '--parallel', '3']);
  assert.equal(r.code, 0, r.stderr);
  const report = readReport(r.report);
  assert.equal(report.count, 3);
  assert.deepEqual(report.rows.map((row) => row.id), ['1', '2', '3']);
  assert.ok(report.rows.every((row) => row.steps >= 1 && row.error === null), JSON.stringify(report.rows));
  // At once: every question started before the first one finished.
  const firstEnd = Math.min(...report.rows.map((row) => row.startMs + row.latencyMs));
  assert.ok(report.rows.every((row) => row.startMs < firstEnd), JSON.stringify(report.rows.map((row) => [row.startMs, row.latencyMs])));
  for (const i of [1, 2, 3]) assert.match(r.stderr, new RegExp(`\\[${i}/3\\] #[123] `));
  assert.match(r.stdout, /gsm8k_dev\.jsonl\s+student\s+2\s+3\s/);
});

test('eval: SIGINT stops after the current question, writes the partial report and prints the table', async () => {
  const r = await evalRun({}, ['--sag', '1'], 'SIGINT');
  assert.equal(r.code, 130, r.stderr);
  assert.match(r.stderr, /SIGINT: stopping after the current question/);
  const report = readReport(r.report);
  assert.equal(report.partial, true);
  assert.equal(report.stopped, 'SIGINT');
  assert.equal(report.total, 3);
  assert.equal(report.count, report.rows.length);
  assert.ok(report.count >= 1 && report.count < 3, `rows: ${report.count}`);
  assert.match(r.stderr, new RegExp(`\\[${report.count}/3\\]`), 'the current question finished');
  assert.ok(report.rows.every((row) => row.steps >= 1 && row.error === null && row.outcome !== null));
  assert.match(r.stdout, new RegExp(`gsm8k_dev\\.jsonl\\s+student\\s+1\\s+${report.count}/3`));
  assert.match(r.stdout, new RegExp(`partial: stopped by SIGINT after ${report.count} of 3 questions`));
});

test('eval: a SIGKILLed run leaves a valid report of the rows done so far', async () => {
  const r = await evalRun({}, ['--sag', '1'], 'SIGKILL');
  assert.equal(r.signal, 'SIGKILL');
  const report = readReport(r.report);
  assert.equal(report.partial, true);
  assert.equal(report.stopped, null);
  assert.ok(report.count >= 1 && report.count < 3, `rows: ${report.count}`);
  assert.equal(report.rows[0]!.id, '1');
  assert.equal(r.stdout, '', 'killed before the table');
});
