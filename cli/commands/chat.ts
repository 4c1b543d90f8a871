import type { Command } from 'commander';
import { openAgentDeps } from '../../agent/index.ts';
import { createBotContext, createConsoleAdapter } from '../../bots/index.ts';
import { configFor } from '../context.ts';
import { createHotAgent } from '../hot-student.ts';
import { checkPaths, ingestWithProgress } from './ingest.ts';

/** What an empty knowledge base says, with the one command that fills it in the words the user started with. */
export function emptyKnowledgeBaseHint(collection: string, viaNpmStart: boolean): string {
  const command = viaNpmStart ? 'npm start -- --docs PATH' : 'npx understudy ingest PATH';
  return [
    `The knowledge base is empty: the collection "${collection}" holds no documents yet.`,
    `To add a folder of your documents (Markdown, text, HTML, PDF, JSONL), run: ${command}`,
    'You can still chat meanwhile; answers will not come from your documents.',
  ].join('\n');
}

export function chatCommand(program: Command): void {
  program
    .command('chat')
    .description('ask questions in the terminal (progress, sources, /up /down /teacher /quit); what `npm start` opens')
    .option('--docs <paths...>', 'ingest these files or folders into chroma.collection first (`npm start -- --docs PATH`)')
    .action(async (opts: { docs?: string[] }, cmd: Command) => {
      const config = configFor(cmd);
      if (opts.docs) checkPaths(opts.docs);
      const deps = await openAgentDeps(config, {});
      try {
        if (opts.docs) {
          if (!deps.retriever) throw Object.assign(new Error('cannot ingest --docs: search is unavailable (see above)'), { userFacing: true });
          await ingestWithProgress(config, deps.retriever, opts.docs);
        }
        if (deps.retriever && (await deps.retriever.count()) === 0) {
          console.log(`${emptyKnowledgeBaseHint(config.chroma.collection, process.env.npm_lifecycle_event === 'start')}\n`);
        }
        const agent = await createHotAgent(config, deps);
        try {
          const chat = createConsoleAdapter(createBotContext(config, agent));
          await chat.start();
          await chat.done;
        } finally {
          await agent.close();
        }
      } finally {
        await deps.retriever?.close();
        await deps.store.close();
      }
    });
}
