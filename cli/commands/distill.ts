import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Option, type Command } from 'commander';
import type { FirstThoughtMode } from '../../agent/index.ts';
import { cacheDir, type Config } from '../../config/index.ts';
import { disposeModels } from '../../engine/index.ts';
import { openStore } from '../../store/index.ts';
import { buildSet, generate, parseCron, readQuestions, runDistill, solutionTrajectory, type DistillResult } from '../../training/index.ts';
import { configFor } from '../context.ts';
import { keepNightly } from '../nightly.ts';
import { bootstrapCommand } from './distill-bootstrap.ts';

async function runOnce(config: Config, generated: string[]): Promise<DistillResult> {
  const store = await openStore(config);
  try {
    return await runDistill(config, { store, generated });
  } finally {
    await store.close();
    await disposeModels();
  }
}

export function distillCommand(program: Command): void {
  const distill = program
    .command('distill')
    .description('nightly distillation: teacher trajectories -> LoRA adapter -> gated, versioned student (runs the whole job)')
    .option('--generated <files...>', 'also train on these `distill generate` cache files (FILE, or SOURCE=FILE to count them under SOURCE), besides distill.generated')
    .action(async (opts: { generated?: string[] }, cmd: Command) => {
      console.log((await runOnce(configFor(cmd), opts.generated ?? [])).reason);
    });
  distill
    .command('build')
    .description('collect, filter and write the SFT set (train.jsonl, heldout.jsonl, manifest.json) without training')
    .requiredOption('--out <dir>', 'where to write the set')
    .option('--inputs <files...>', '`distill generate` cache files to include (FILE or SOURCE=FILE), besides distill.generated')
    .option('--no-store', 'leave the log store out')
    .action(async (opts: { out: string; inputs?: string[]; store: boolean }, cmd: Command) => {
      const config = configFor(cmd);
      const store = opts.store ? await openStore(config) : undefined;
      try {
        const r = await buildSet(config, { store, generated: opts.inputs ?? [], dir: opts.out });
        console.log(JSON.stringify({ filter: r.filter, counts: r.dataset.counts, datasetHash: r.dataset.datasetHash }));
      } finally {
        await store?.close();
      }
    });
  bootstrapCommand(distill);
  distill
    .command('schedule')
    .description('stay in the foreground and run the job on distill.schedule (cron, UTC); with queue.url, on the cluster\'s one schedule (each run happens once, in one of the processes running this)')
    .action(async (_opts, cmd: Command) => {
      const config = configFor(cmd);
      const expr = config.distill.schedule;
      if (!expr) throw new Error('distill.schedule is not set (e.g. UNDERSTUDY_DISTILL_SCHEDULE="0 3 * * *")');
      parseCron(expr);
      // With queue.url the BullMQ worker keeps the process up; the local cron needs the interval below.
      await keepNightly(config, async () => (await runOnce(config, [])).reason, (line) => console.log(line), !!config.queue.url);
      if (config.queue.url) return;
      setInterval(() => {}, 1 << 30);
    });
  distill
    .command('generate')
    .description('run the teacher over a question pool (JSONL {question, answer}); keep the trajectories whose answer matches')
    .requiredOption('--questions <file>', 'question pool, e.g. ../shared/data/math/gsm8k_train.jsonl')
    .option('--offset <n>', 'skip the first n questions', '0')
    .option('--limit <n>', 'at most n questions', '50')
    .addOption(new Option('--first-thought <mode>', 'what seeds the teacher\'s first step (default: distill.firstThought)').choices(['off', 'answer', 'plan']))
    .option('--cache <file>', 'JSONL of every run (resumes from it); default <cacheDir>/distill/generated-<pool>.jsonl')
    .option('--no-store', 'do not write kept trajectories to the log store')
    .option('--from-solutions', 'no teacher: turn the pool\'s worked GSM8K solutions into trajectories')
    .action(async (opts: { questions: string; offset: string; limit: string; firstThought?: FirstThoughtMode; cache?: string; store: boolean; fromSolutions?: boolean }, cmd: Command) => {
      const config = configFor(cmd);
      const firstThought = opts.firstThought ?? config.distill.firstThought;
      const tag = `${path.basename(opts.questions, '.jsonl')}${opts.fromSolutions ? '-solutions' : `-ft-${firstThought}`}`;
      const cacheFile = opts.cache ?? path.join(cacheDir(config), 'distill', `generated-${tag}.jsonl`);
      if (opts.fromSolutions) {
        const rows = readFileSync(opts.questions, 'utf8').split('\n').filter(Boolean).slice(Number(opts.offset), Number(opts.offset) + Number(opts.limit));
        const recs = rows.map((l) => JSON.parse(l) as { question: string; answer: string }).map((r) => solutionTrajectory(r.question, r.answer)).filter((r) => r !== null);
        mkdirSync(path.dirname(cacheFile), { recursive: true });
        writeFileSync(cacheFile, recs.map((r) => JSON.stringify(r)).join('\n') + '\n');
        console.log(`converted ${recs.length} of ${rows.length} solutions -> ${cacheFile}`);
        return;
      }
      const pool = readQuestions(opts.questions, Number(opts.offset), Number(opts.limit));
      const store = opts.store ? await openStore(config) : undefined;
      let n = 0, kept = 0;
      try {
        await generate(config, pool, {
          cacheFile, firstThought, store,
          onRecord: (r) => {
            n++;
            if (r.kept) kept++;
            console.log(`[${n}/${pool.length}] ${r.kept ? 'kept' : 'dropped'} ${r.outcome} answer=${r.finalAnswer} ref=${r.answer} steps=${r.steps.length} ${(r.latencyMs / 1000).toFixed(1)}s`);
          },
        });
        console.log(`generated ${n}, kept ${kept} -> ${cacheFile}`);
      } finally {
        await store?.close();
        await disposeModels();
      }
    });
}
