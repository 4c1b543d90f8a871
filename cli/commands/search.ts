import { Command, InvalidArgumentError } from 'commander';
import { disposeModels } from '../../engine/index.ts';
import { formatPassages, openRetriever } from '../../retrieval/index.ts';
import { configFor } from '../context.ts';

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

export function searchCommand(program: Command): void {
  program
    .command('search')
    .description("search a collection the way the agent's search tool does")
    .argument('<query>', 'what to look for')
    .option('-k <n>', 'how many passages (default: agent.searchK)', positiveInt)
    .option('--collection <name>', 'the Chroma collection (default: chroma.collection)')
    .option('--json', 'print the passages as JSON')
    .action(async (query: string, opts: { k?: number; collection?: string; json?: boolean }, cmd: Command) => {
      const config = configFor(cmd, { 'chroma.collection': opts.collection });
      const retriever = await openRetriever(config);
      try {
        const passages = await retriever.search(query, opts.k ?? config.agent.searchK, config.chroma.collection);
        console.log(opts.json ? JSON.stringify(passages, null, 2) : formatPassages(passages));
      } finally {
        await retriever.close();
        await disposeModels();
      }
    });
}
