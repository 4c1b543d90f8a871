import { Command, InvalidArgumentError, Option } from 'commander';
import { writeFileSync } from 'node:fs';
import { formatReports, readDataset, runEval, type EvalMode } from '../../agent/index.ts';
import { disposeModels } from '../../models/index.ts';
import { openRetriever } from '../../retrieval/index.ts';
import { configFor } from '../context.ts';
import { withPromotedStudent } from '../student-version.ts';

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

export function evalCommand(program: Command): void {
  program
    .command('eval')
    .description('run questions with known answers and grade them (EM/F1 for text, numeric equality for numbers)')
    .requiredOption('--dataset <file>', 'JSONL with question/answer (GSM8K, HotpotQA, MuSiQue, or your own)')
    .addOption(new Option('--mode <mode>', 'who answers').choices(['student', 'teacher', 'cot']).default('student'))
    .option('--sag <n>', 'SAG candidates per student step (default: agent.sagN)', positiveInt)
    .option('--limit <k>', 'only the first K questions', positiveInt)
    .option('--collection <name>', 'the Chroma collection to search (default: chroma.collection)')
    .option('--report <file>', 'write the JSON report here (default: eval-report.json)')
    .action(async (opts: { dataset: string; mode: EvalMode; sag?: number; limit?: number; collection?: string; report?: string }, cmd: Command) => {
      const config = withPromotedStudent(configFor(cmd, opts.sag ? { 'agent.sagN': opts.sag } : {}));
      const items = readDataset(opts.dataset, opts.limit);
      const retriever = opts.mode === 'cot' ? null : await openRetriever(config).catch((e: Error) => (console.error(`search is unavailable: ${e.message}`), null));
      try {
        const report = await runEval(config, {
          dataset: opts.dataset,
          items,
          mode: opts.mode,
          sagN: config.agent.sagN,
          collection: opts.collection ?? config.chroma.collection,
          retriever,
          onRow: (r, i) =>
            console.error(`[${i + 1}/${items.length}] ${r.em ? 'ok  ' : r.abstained ? 'abst' : 'miss'} ${(r.latencyMs / 1000).toFixed(1)}s  gold=${r.gold[0]}  got=${(r.prediction ?? '∅').slice(0, 60)}${r.error ? `  error: ${r.error}` : ''}`),
        });
        const file = opts.report ?? 'eval-report.json';
        writeFileSync(file, JSON.stringify(report, null, 2));
        console.log(formatReports([report]));
        console.log(`report: ${file}`);
      } finally {
        await retriever?.close();
        await disposeModels();
      }
    });
}
