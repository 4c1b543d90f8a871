import path from 'node:path';
import type { Command } from 'commander';
import { cacheDir, type Config } from '../../config/index.ts';
import { disposeModels } from '../../models/index.ts';
import { openStore } from '../../store/index.ts';
import { generate, nextRun, readQuestions, runDistill, schedule } from '../../training/index.ts';
import { configFor } from '../context.ts';

async function runOnce(config: Config, generated: string[]): Promise<boolean> {
  const store = await openStore(config);
  try {
    const r = await runDistill(config, { store, generated });
    console.log(r.reason);
    return r.promoted;
  } finally {
    await store.close();
    await disposeModels();
  }
}

export function distillCommand(program: Command): void {
  const distill = program
    .command('distill')
    .description('nightly distillation: teacher trajectories -> LoRA adapter -> gated, versioned student (runs the whole job)')
    .option('--generated <files...>', 'also train on these `distill generate` cache files')
    .action(async (opts: { generated?: string[] }, cmd: Command) => {
      await runOnce(configFor(cmd), opts.generated ?? []);
    });
  distill
    .command('schedule')
    .description('stay in the foreground and run the job on distill.schedule (cron, UTC)')
    .action((_opts, cmd: Command) => {
      const config = configFor(cmd);
      const expr = config.distill.schedule;
      if (!expr) throw new Error('distill.schedule is not set (e.g. UNDERSTUDY_DISTILL_SCHEDULE="0 3 * * *")');
      const tick = () => console.log(`next distillation run: ${nextRun(expr, new Date())?.toISOString()}`);
      tick();
      schedule(expr, async () => {
        await runOnce(config, []).catch((e: unknown) => console.error(`distill: ${String(e)}`));
        tick();
      });
      setInterval(() => {}, 1 << 30);
    });
  distill
    .command('generate')
    .description('run the teacher over a question pool (JSONL {question, answer}); keep the trajectories whose answer matches')
    .requiredOption('--questions <file>', 'question pool, e.g. ../shared/data/math/gsm8k_train.jsonl')
    .option('--offset <n>', 'skip the first n questions', '0')
    .option('--limit <n>', 'at most n questions', '50')
    .option('--no-first-thought', 'do not seed the first step with the teacher\'s first thought')
    .option('--cache <file>', 'JSONL of every run (resumes from it); default <cacheDir>/distill/generated-<pool>.jsonl')
    .option('--no-store', 'do not write kept trajectories to the log store')
    .action(async (opts: { questions: string; offset: string; limit: string; firstThought: boolean; cache?: string; store: boolean }, cmd: Command) => {
      const config = configFor(cmd);
      const pool = readQuestions(opts.questions, Number(opts.offset), Number(opts.limit));
      const tag = `${path.basename(opts.questions, '.jsonl')}${opts.firstThought ? '' : '-noft'}`;
      const cacheFile = opts.cache ?? path.join(cacheDir(config), 'distill', `generated-${tag}.jsonl`);
      const store = opts.store ? await openStore(config) : undefined;
      let n = 0, kept = 0;
      try {
        await generate(config, pool, {
          cacheFile, useFirstThought: opts.firstThought, store,
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
