import type { Command } from 'commander';
import { disposeModels } from '../../engine/index.ts';
import { openRetriever } from '../../retrieval/index.ts';
import { bootstrap, KINDS, type BootstrapSummary } from '../../training/index.ts';
import { configFor } from '../context.ts';
import { progressReporter } from '../progress.ts';

export function formatBootstrap(s: BootstrapSummary): string {
  const head = ['kind', 'asked', 'written', 'answered', 'kept', 'dropped'];
  const rows = KINDS.map((k) => {
    const r = s.byKind[k];
    const dropped = Object.entries(r.dropped).map(([why, n]) => `${why} ${n}`).join(', ');
    return [k, String(r.asked), String(r.written), String(r.answered), String(r.kept), dropped || '-'];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  const perQuestion = s.new.questions ? `, ${(s.new.seconds / s.new.questions).toFixed(1)} s a question` : '';
  return [
    `${s.collection}: ${s.chunks} chunks; documents asked about: ${s.documents.train} train, ${s.documents.heldOut} held out`,
    line(head),
    ...rows.map(line),
    `kept: ${s.kept.train} to train on, ${s.kept.heldOut} in-domain gate questions`,
    `this run: ${s.new.questions} questions written, ${s.new.runs} answered, ${s.new.failed} failed (retried next run) in ${s.new.seconds.toFixed(0)} s${perQuestion} -> ${s.dir}`,
  ].join('\n');
}

export function bootstrapCommand(distill: Command): void {
  distill
    .command('bootstrap')
    .description('the teacher writes questions from a collection\'s own chunks and answers them as an agent; kept trajectories train the student, held-out documents\' questions gate it')
    .option('--collection <name>', 'the collection (default: chroma.collection)')
    .option('--questions <k>', 'questions to write for the collection (default: distill.bootstrap.questions); cached ones are skipped')
    .action(async (opts: { collection?: string; questions?: string }, cmd: Command) => {
      const config = configFor(cmd);
      const questions = opts.questions === undefined ? undefined : Number(opts.questions);
      if (questions !== undefined && !(Number.isInteger(questions) && questions > 0)) throw Object.assign(new Error(`--questions must be a positive integer, not "${opts.questions}"`), { userFacing: true });
      const retriever = await openRetriever(config);
      const progress = progressReporter('bootstrap', 'questions');
      try {
        const summary = await bootstrap(config, {
          collection: opts.collection ?? config.chroma.collection, questions, retriever,
          onProgress: progress.update,
          onError: (task, e) => console.error(`bootstrap: ${task.kind} question on ${task.chunks.map((c) => c.source).join(' + ')} failed: ${e.message}`),
        });
        progress.stop();
        console.log(formatBootstrap(summary));
      } finally {
        progress.stop();
        await retriever.close();
        await disposeModels();
      }
    });
}
