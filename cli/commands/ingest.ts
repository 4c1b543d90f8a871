import { existsSync, lstatSync } from 'node:fs';
import { Command } from 'commander';
import { SingleBar } from 'cli-progress';
import { disposeModels } from '../../models/index.ts';
import { MissingPathError, openRetriever, type IngestSummary } from '../../retrieval/index.ts';
import { configFor } from '../context.ts';

const exists = (p: string) => existsSync(p) || lstatSync(p, { throwIfNoEntry: false }) !== undefined;

/** A bar on a terminal; elsewhere (CI, logs) a line every 10 % or 10 s. */
function progressReporter(): { update: (done: number, total: number) => void; stop: () => void } {
  if (process.stderr.isTTY) {
    const bar = new SingleBar({ stream: process.stderr, format: 'embedding {bar} {value}/{total} chunks | {eta_formatted} left', hideCursor: true });
    let started = false;
    return {
      update(done, total) {
        if (!started && total > 0) {
          bar.start(total, done);
          started = true;
        } else if (started) bar.update(done);
      },
      stop: () => started && bar.stop(),
    };
  }
  let lastAt = 0;
  let lastPct = -10;
  return {
    update(done, total) {
      const pct = total ? Math.floor((done / total) * 100) : 100;
      if (done === total || pct >= lastPct + 10 || Date.now() - lastAt > 10_000) {
        if (total > 0) console.error(`embedding ${done}/${total} chunks (${pct}%)`);
        lastAt = Date.now();
        lastPct = pct;
      }
    },
    stop: () => {},
  };
}

export function summaryLine(s: IngestSummary): string {
  const rate = s.chunks && s.seconds ? `, ${(s.chunks / s.seconds).toFixed(1)} chunks/s` : '';
  return (
    `${s.added} added, ${s.updated} updated, ${s.unchanged} unchanged, ${s.deleted} deleted, ${s.skipped.length} skipped; ` +
    `${s.chunks} chunks embedded in ${s.seconds.toFixed(1)} s${rate}`
  );
}

export function ingestCommand(program: Command): void {
  program
    .command('ingest')
    .description('index files and folders (Markdown, text, HTML, PDF, JSONL passages) into a Chroma collection; unchanged files are skipped, removed ones deleted')
    .argument('<paths...>', 'files or folders to ingest')
    .option('--collection <name>', 'the Chroma collection (default: chroma.collection)')
    .action(async (paths: string[], opts: { collection?: string }, cmd: Command) => {
      const config = configFor(cmd, { 'chroma.collection': opts.collection });
      // Checked before starting Chroma and loading the model, so a typo fails at once.
      const missing = paths.filter((p) => !exists(p));
      if (missing.length) throw new MissingPathError(`no such file or directory: ${missing.join(', ')}`);
      const retriever = await openRetriever(config);
      const progress = progressReporter();
      try {
        const summary = await retriever.ingest(paths, { onProgress: progress.update });
        progress.stop();
        for (const s of summary.skipped) console.error(`skipped ${s.path}: ${s.reason}`);
        console.log(`${config.chroma.collection}: ${summaryLine(summary)}`);
      } finally {
        progress.stop();
        await retriever.close();
        await disposeModels();
      }
    });
}
