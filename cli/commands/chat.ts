import type { Command } from 'commander';
import { createBotContext, createConsoleAdapter } from '../../bots/index.ts';
import { configFor } from '../context.ts';
import { createHotAgent } from '../hot-student.ts';

export function chatCommand(program: Command): void {
  program
    .command('chat')
    .description('ask questions in the terminal (progress, sources, /up /down /teacher /quit); what `npm start` opens')
    .action(async (_opts, cmd: Command) => {
      const config = configFor(cmd);
      const agent = await createHotAgent(config);
      try {
        const chat = createConsoleAdapter(createBotContext(config, agent));
        await chat.start();
        await chat.done;
      } finally {
        await agent.close();
      }
    });
}
