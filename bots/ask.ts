import type { AskHooks, FeedbackOutcome, Outcome, Question } from '../queue/index.ts';
import type { Surface } from '../store/index.ts';
import { channelOptions } from './channels.ts';
import type { BotContext } from './types.ts';

export type { AskHooks, Outcome } from '../queue/index.ts';

/** Asks the agent with the channel's options (collection, teacher allowed) applied. */
export function askAgent(ctx: BotContext, req: Question, hooks: AskHooks = {}): Promise<Outcome> {
  const channel = channelOptions(ctx.config, req.channel);
  const full = { ...req };
  if (channel.collection !== undefined && full.collection === undefined) full.collection = channel.collection;
  if (channel.allowTeacher !== undefined) full.allowTeacher = channel.allowTeacher;
  return ctx.dispatcher.ask(full, hooks);
}

/**
 * Records 👍/👎. A 👎 on a student answer makes the agent re-ask the teacher, so it queues like a
 * question; `answered` then carries the teacher's answer.
 */
export function sendFeedback(ctx: BotContext, surface: Surface, logId: string, user: string, value: 'up' | 'down'): Promise<FeedbackOutcome> {
  return ctx.dispatcher.feedback({ logId, user, value, surface });
}
