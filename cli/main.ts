import { Command } from 'commander';
import { reportFatal } from './errors.ts';
import { configCommand } from './commands/config.ts';
import { modelsCommand } from './commands/models.ts';
import { ingestCommand } from './commands/ingest.ts';
import { searchCommand } from './commands/search.ts';
import { adminCommand } from './commands/admin.ts';
import { distillCommand } from './commands/distill.ts';
import { chatCommand } from './commands/chat.ts';
import { serveCommand } from './commands/serve.ts';
import { askCommand } from './commands/ask.ts';
import { evalCommand } from './commands/eval.ts';

const program = new Command('understudy')
  .description('A team Q&A agent: a small student model with tools, a teacher fallback, nightly distillation.')
  .option('-c, --config <file>', 'JSON config file (default: $UNDERSTUDY_CONFIG or ./understudy.config.json)')
  .showHelpAfterError();

for (const register of [configCommand, modelsCommand, adminCommand, distillCommand, ingestCommand, searchCommand, chatCommand, serveCommand, askCommand, evalCommand]) register(program);

program.parseAsync(process.argv).catch(reportFatal);
