import type { Command } from 'commander';
import { createAgent } from '../../agent/index.ts';
import { createBotContext, createConsoleAdapter } from '../../bots/index.ts';
import { configFor } from '../context.ts';
import { withPromotedStudent } from '../student-version.ts';

export function chatCommand(program: Command): void {
  program
    .command('chat')
    .description('ask questions in the terminal (progress, sources, /up /down /teacher /quit); what `npm start` opens')
    .action(async (_opts, cmd: Command) => {
      const config = withPromotedStudent(configFor(cmd));
      const agent = await createAgent(config);
      try {
        const chat = createConsoleAdapter(createBotContext(config, agent));
        await chat.start();
        await chat.done;
      } finally {
        await agent.close();
      }
    });
}
