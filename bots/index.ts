import { createDiscordAdapter } from './discord/adapter.ts';
import { createSlackAdapter } from './slack/adapter.ts';
import type { BotAdapter, BotContext } from './types.ts';

export type { BotAdapter, BotContext, BotLog } from './types.ts';
export { createBotContext, stderrLog } from './context.ts';
export { createConsoleAdapter, type ConsoleAdapter } from './console.ts';
export { createSlackAdapter, type SlackAdapter } from './slack/adapter.ts';
export { createDiscordAdapter } from './discord/adapter.ts';

/** Slack when it has a bot token and a signing secret (HTTP) or an app token (Socket Mode); Discord when it has a token. */
export function configuredAdapters(ctx: BotContext): BotAdapter[] {
  const { slack, discord } = ctx.config;
  const adapters: BotAdapter[] = [];
  if (slack.botToken && (slack.signingSecret || slack.appToken)) adapters.push(createSlackAdapter(ctx));
  if (discord.token) adapters.push(createDiscordAdapter(ctx));
  return adapters;
}
