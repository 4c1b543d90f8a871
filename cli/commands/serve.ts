import { Option, type Command } from 'commander';
import { startAdminServer } from '../../admin/index.ts';
import { configuredAdapters, createBotContext, stderrLog, type BotContext } from '../../bots/index.ts';
import type { Config } from '../../config/index.ts';
import { checkRedis, connectDispatcher, shownUrl, startQueueWorker } from '../../queue/index.ts';
import { openStore, type LogStore } from '../../store/index.ts';
import { runDistill } from '../../training/index.ts';
import { configFor } from '../context.ts';
import { createHotAgent } from '../hot-student.ts';
import { keepNightly } from '../nightly.ts';

type Role = 'all' | 'bots' | 'worker';

class ServeSetupError extends Error {
  readonly userFacing = true;
}

function checkBots(config: Config): void {
  const { slack, discord } = config;
  if (slack.botToken && !slack.signingSecret && !slack.appToken) {
    throw new ServeSetupError('Slack needs SLACK_SIGNING_SECRET (HTTP events) or SLACK_APP_TOKEN (Socket Mode) besides SLACK_BOT_TOKEN');
  }
  if (!slack.botToken && !discord.token) {
    throw new ServeSetupError('no bot is configured: set SLACK_BOT_TOKEN with SLACK_SIGNING_SECRET or SLACK_APP_TOKEN, and/or DISCORD_TOKEN (`understudy chat` needs none)');
  }
}

/** The Redis a bots or worker process shares with the others, reachable now. */
async function queueUrl(config: Config, role: Role): Promise<string> {
  const url = config.queue.url;
  if (!url) throw new ServeSetupError(`--role ${role} needs queue.url (or REDIS_URL), the Redis that carries questions between bots and workers; --role all needs none`);
  await checkRedis(url);
  return url;
}

/** The nightly job in a serving process: it shares the loaded models (it must not dispose of them) and the store. */
const nightlyJob = (config: Config, store: LogStore) => async () => (await runDistill(config, { store })).reason;

/** Bots (and the admin UI when admin.password is set); with role `all` the agent answers here, with `bots` the workers do. */
async function startBots(config: Config, role: 'all' | 'bots'): Promise<() => Promise<void>> {
  checkBots(config);
  const url = role === 'bots' ? await queueUrl(config, role) : undefined;
  if (role === 'all' && config.queue.url) stderrLog.info('queue.url is set, but --role all answers in this process; run `serve --role bots` and `serve --role worker` to use the queue');
  const store = role === 'all' || config.admin.password ? await openStore(config) : undefined;
  // The student follows the registry: a promoted or rolled-back version takes over between questions.
  const agent = role === 'all' ? await createHotAgent(config, { store }) : undefined;
  const ctx: BotContext = agent ? createBotContext(config, agent) : { config, log: stderrLog, dispatcher: await connectDispatcher(config, stderrLog) };
  if (url) stderrLog.info(`bots: questions go to the workers through ${shownUrl(url)}`);
  const admin = config.admin.password ? await startAdminServer(config, store!) : undefined;
  if (admin) stderrLog.info(`admin UI on ${admin.url}`);
  // One process is the whole deployment: it runs the nightly job too (with workers, they do).
  const stopNightly = role === 'all' && config.distill.schedule ? await keepNightly(config, nightlyJob(config, store!), stderrLog.info, false) : undefined;
  const adapters = configuredAdapters(ctx);
  for (const adapter of adapters) await adapter.start();
  return async () => {
    await stopNightly?.();
    for (const adapter of adapters) await adapter.stop().catch((e) => stderrLog.error(`${adapter.name}: stop failed`, e));
    await ctx.dispatcher.close(); // answers on their way are still posted
    await admin?.close();
    await agent?.close();
    await store?.close();
  };
}

/**
 * A worker: the models, answering questions and feedback from the queue. With distill.schedule set
 * it also takes its turn at the cluster's nightly job, which runs in one worker at a time.
 */
async function startWorker(config: Config): Promise<() => Promise<void>> {
  await queueUrl(config, 'worker');
  const log = (line: string) => console.error(`[worker] ${line}`);
  const store = await openStore(config);
  const agent = await createHotAgent(config, { store });
  const worker = await startQueueWorker(config, agent, log);
  const stopNightly = config.distill.schedule ? await keepNightly(config, nightlyJob(config, store), log, true) : undefined;
  return async () => {
    await worker.close();
    await stopNightly?.();
    log('stopped taking questions; the ones running are finished');
    await agent.close();
    await store.close();
  };
}

export function serveCommand(program: Command): void {
  program
    .command('serve')
    .description('run the bots (Slack, Discord) and the agent in one process, or split into bot and worker processes that share a Redis queue (queue.url); plus the admin UI when admin.password is set')
    .addOption(
      new Option('--role <role>', 'all: bots and agent in this process, no Redis; bots: receive questions and reply, loading no model (needs queue.url and a bot); worker: load the models and answer what the bots queue (needs queue.url, no bot tokens); run one or more workers per GPU host')
        .choices(['all', 'bots', 'worker'])
        .default('all'),
    )
    .action(async (opts: { role: Role }, cmd: Command) => {
      const config = configFor(cmd);
      const stop = opts.role === 'worker' ? await startWorker(config) : await startBots(config, opts.role);
      const signal = await new Promise<string>((resolve) => {
        for (const s of ['SIGINT', 'SIGTERM'] as const) process.once(s, () => resolve(s));
      });
      console.error(`[${opts.role === 'worker' ? 'worker' : 'bots'}] ${signal}: stopping`);
      await stop();
    });
}
