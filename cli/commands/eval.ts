import { Command, InvalidArgumentError, Option } from 'commander';
import { renameSync, writeFileSync } from 'node:fs';
import { formatReports, readDataset, runEval, type EvalMode, type EvalReport } from '../../agent/index.ts';
import { disposeModels } from '../../engine/index.ts';
import { openRetriever } from '../../retrieval/index.ts';
import { configFor } from '../context.ts';
import { withPromotedStudent } from '../student-version.ts';

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

/** Writes the report whole or not at all (a temp file renamed over it), so a killed run leaves valid JSON. */
function writeReport(file: string, report: EvalReport): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(report, null, 2));
  renameSync(tmp, file);
}

const SIGNAL_EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

export function evalCommand(program: Command): void {
  program
    .command('eval')
    .description('run questions with known answers and grade them: accuracy as users read answers, exact match, citations, abstention')
    .requiredOption('--dataset <file>', 'JSONL with question/answer (evals/handbook.jsonl, GSM8K, HotpotQA, MuSiQue, or your own)')
    .addOption(
      new Option('--mode <mode>', 'who answers: the student, the teacher agent, teacher chain-of-thought, or routed (both on every question; the router picks)')
        .choices(['student', 'teacher', 'cot', 'routed'])
        .default('student'),
    )
    .option('--split <name>', 'only the questions whose "split" field is NAME (e.g. test)')
    .option('--sag <n>', 'SAG candidates per student step (default: agent.sagN)', positiveInt)
    .option('--limit <k>', 'only the first K questions', positiveInt)
    .option('--collection <name>', 'the Chroma collection to search (default: chroma.collection)')
    .option('--report <file>', 'write the JSON report here (default: eval-report.json)')
    .option('--parallel <k>', 'questions answered at once (default: agent.parallel)', positiveInt)
    .action(async (opts: { dataset: string; mode: EvalMode; split?: string; sag?: number; limit?: number; collection?: string; report?: string; parallel?: number }, cmd: Command) => {
      const config = withPromotedStudent(configFor(cmd, opts.sag ? { 'agent.sagN': opts.sag } : {}));
      const items = readDataset(opts.dataset, { limit: opts.limit, split: opts.split });
      const file = opts.report ?? 'eval-report.json';
      const parallel = opts.parallel ?? config.agent.parallel;
      // SIGINT/SIGTERM: finish the current questions, then write the report of the rows done so far
      // (partial) and print the table. A second signal quits at once; the file already holds every
      // row done, since it is rewritten after each question.
      const stop = new AbortController();
      const onSignal = (sig: NodeJS.Signals) => {
        if (stop.signal.aborted) {
          console.error(`${sig} again: quitting now; ${file} holds the questions done so far`);
          process.exit(SIGNAL_EXIT[sig] ?? 1);
        }
        console.error(`${sig}: stopping after the current question${parallel > 1 ? 's' : ''} (${sig === 'SIGINT' ? 'Ctrl-C' : sig} again quits at once)`);
        stop.abort(sig);
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      let writeFailed = false;
      const save = (report: EvalReport) => {
        try {
          writeReport(file, report);
        } catch (e) {
          if (!writeFailed) console.error(`cannot write the report to ${file}: ${(e as Error).message}`);
          writeFailed = true;
        }
      };
      const retriever = opts.mode === 'cot' ? null : await openRetriever(config).catch((e: Error) => (console.error(`search is unavailable: ${e.message}`), null));
      try {
        const report = await runEval(config, {
          dataset: opts.dataset,
          items,
          mode: opts.mode,
          sagN: config.agent.sagN,
          parallel,
          collection: opts.collection ?? config.chroma.collection,
          retriever,
          stop: stop.signal,
          onRow: (r, i, sofar) => {
            save(sofar); // first: once its progress line is out, a row is on disk
            const note = r.error ? `  error: ${r.error}` : r.outcome === 'context_full' || r.outcome === 'stalled' ? `  (${r.outcome})` : '';
            const route = r.routed ? (r.routed.kept ? ' student' : ' teacher') : '';
            console.error(`[${sofar.count}/${items.length}]${parallel > 1 ? ` #${i + 1}` : ''} ${r.correct ? 'ok  ' : r.abstained ? 'abst' : 'miss'}${route} ${(r.latencyMs / 1000).toFixed(1)}s  gold=${r.gold[0] ?? '(none)'}  got=${(r.prediction ?? '∅').slice(0, 60)}${r.cited.length ? `  cites ${r.cited.join(', ')}` : ''}${note}`);
          },
        });
        save(report);
        console.log(formatReports([report]));
        if (report.partial) console.log(`partial: stopped by ${report.stopped ?? 'a signal'} after ${report.count} of ${report.total} questions`);
        console.log(`report: ${file}`);
        if (report.partial && report.stopped) process.exitCode = SIGNAL_EXIT[report.stopped] ?? 1;
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        await retriever?.close();
        await disposeModels();
      }
    });
}
