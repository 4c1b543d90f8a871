import { existsSync, lstatSync } from 'node:fs';
import { Command } from 'commander';
import type { Config } from '../../config/index.ts';
import { disposeModels } from '../../engine/index.ts';
import { MissingPathError, openRetriever, type IngestSummary, type Retriever } from '../../retrieval/index.ts';
import { configFor } from '../context.ts';
import { progressReporter } from '../progress.ts';

const exists = (p: string) => existsSync(p) || lstatSync(p, { throwIfNoEntry: false }) !== undefined;

export function summaryLine(s: IngestSummary): string {
  const rate = s.chunks && s.seconds ? `, ${(s.chunks / s.seconds).toFixed(1)} chunks/s` : '';
  return (
    `${s.added} added, ${s.updated} updated, ${s.unchanged} unchanged, ${s.deleted} deleted, ${s.skipped.length} skipped; ` +
    `${s.chunks} chunks embedded in ${s.seconds.toFixed(1)} s${rate}`
  );
}

/** Fails at once on a path that is not there, before Chroma starts and the model loads. */
export function checkPaths(paths: string[]): void {
  const missing = paths.filter((p) => !exists(p));
  if (missing.length) throw new MissingPathError(`no such file or directory: ${missing.join(', ')}`);
}

/** Ingests into `chroma.collection` with a progress bar, then prints what was skipped and a summary line. */
export async function ingestWithProgress(config: Config, retriever: Retriever, paths: string[]): Promise<void> {
  const progress = progressReporter('embedding', 'chunks');
  try {
    const summary = await retriever.ingest(paths, { onProgress: progress.update });
    progress.stop();
    for (const s of summary.skipped) console.error(`skipped ${s.path}: ${s.reason}`);
    console.log(`${config.chroma.collection}: ${summaryLine(summary)}`);
  } finally {
    progress.stop();
  }
}

export function ingestCommand(program: Command): void {
  program
    .command('ingest')
    .description('index files and folders (Markdown, text, HTML, PDF, JSONL passages) into a Chroma collection; unchanged files are skipped, removed ones deleted')
    .argument('<paths...>', 'files or folders to ingest')
    .option('--collection <name>', 'the Chroma collection (default: chroma.collection)')
    .action(async (paths: string[], opts: { collection?: string }, cmd: Command) => {
      const config = configFor(cmd, { 'chroma.collection': opts.collection });
      checkPaths(paths);
      const retriever = await openRetriever(config);
      try {
        await ingestWithProgress(config, retriever, paths);
      } finally {
        await retriever.close();
        await disposeModels();
      }
    });
}
