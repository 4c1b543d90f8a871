import { Command } from 'commander';
import { adminCommand } from './commands/admin.ts';
import { askCommand } from './commands/ask.ts';
import { chatCommand } from './commands/chat.ts';
import { configCommand } from './commands/config.ts';
import { distillCommand } from './commands/distill.ts';
import { evalCommand } from './commands/eval.ts';
import { healthCommand } from './commands/health.ts';
import { ingestCommand } from './commands/ingest.ts';
import { modelsCommand } from './commands/models.ts';
import { searchCommand } from './commands/search.ts';
import { serveCommand } from './commands/serve.ts';

/** The `understudy` command tree (deploy/compose.yaml's commands are checked against it). */
export function createProgram(): Command {
  const program = new Command('understudy')
    .description('A team Q&A agent: a small student model with tools, a teacher fallback, nightly distillation.')
    .option('-c, --config <file>', 'JSON config file (default: $UNDERSTUDY_CONFIG or ./understudy.config.json)')
    .showHelpAfterError();
  for (const register of [configCommand, modelsCommand, adminCommand, distillCommand, ingestCommand, searchCommand, chatCommand, serveCommand, askCommand, evalCommand, healthCommand]) register(program);
  return program;
}
