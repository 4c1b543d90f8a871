import type { Command } from 'commander';
import { startAdminServer } from '../../admin/index.ts';
import { configuredAdapters, createBotContext, stderrLog } from '../../bots/index.ts';
import { openStore } from '../../store/index.ts';
import { configFor } from '../context.ts';
import { createHotAgent } from '../hot-student.ts';

class NoBotsError extends Error {
  readonly userFacing = true;
}

export function serveCommand(program: Command): void {
  program
    .command('serve')
    .description('run every configured bot (Slack, Discord) in one process, plus the admin UI when admin.password is set')
    .action(async (_opts, cmd: Command) => {
      const config = configFor(cmd);
      const { slack, discord } = config;
      if (slack.botToken && !slack.signingSecret && !slack.appToken) {
        throw new NoBotsError('Slack needs SLACK_SIGNING_SECRET (HTTP events) or SLACK_APP_TOKEN (Socket Mode) besides SLACK_BOT_TOKEN');
      }
      if (!slack.botToken && !discord.token) {
        throw new NoBotsError('no bot is configured: set SLACK_BOT_TOKEN with SLACK_SIGNING_SECRET or SLACK_APP_TOKEN, and/or DISCORD_TOKEN (`understudy chat` needs none)');
      }
      const store = await openStore(config);
      // The student follows the registry: a promoted or rolled-back version takes over between questions.
      const agent = await createHotAgent(config, { store });
      const adapters = configuredAdapters(createBotContext(config, agent));
      const admin = config.admin.password ? await startAdminServer(config, store) : undefined;
      if (admin) stderrLog.info(`admin UI on ${admin.url}`);
      for (const adapter of adapters) await adapter.start();

      const signal = await new Promise<string>((resolve) => {
        for (const s of ['SIGINT', 'SIGTERM'] as const) process.once(s, () => resolve(s));
      });
      stderrLog.info(`${signal}: stopping`);
      for (const adapter of adapters) await adapter.stop().catch((e) => stderrLog.error(`${adapter.name}: stop failed`, e));
      await admin?.close();
      await agent.close();
      await store.close();
    });
}
