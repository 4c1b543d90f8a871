import type { Command } from 'commander';
import type { Answerer } from '../../agent/types.ts';
import { createBotContext, createConsoleAdapter } from '../../bots/index.ts';
import type { Config } from '../../config/index.ts';
import { configFor } from '../context.ts';

export type Agent = Answerer & { close(): Promise<void> };

/** The agent behind every surface (agent/index.ts). */
export async function openAgent(config: Config): Promise<Agent> {
  const specifier = '../../agent/index.ts';
  const { createAgent } = (await import(specifier)) as { createAgent(config: Config): Promise<Agent> };
  return createAgent(config);
}

export function chatCommand(program: Command): void {
  program
    .command('chat')
    .description('ask questions in the terminal (progress, sources, /up /down /teacher /quit); what `npm start` opens')
    .action(async (_opts, cmd: Command) => {
      const config = configFor(cmd);
      const agent = await openAgent(config);
      try {
        const chat = createConsoleAdapter(createBotContext(config, agent));
        await chat.start();
        await chat.done;
      } finally {
        await agent.close();
      }
    });
}
