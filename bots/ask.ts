import type { AskRequest, AskResult, ProgressEvent } from '../agent/index.ts';
import type { Surface } from '../store/index.ts';
import { channelOptions } from './channels.ts';
import { QueueFullError } from './queue.ts';
import type { BotContext } from './types.ts';

export type Outcome = { kind: 'answered'; result: AskResult } | { kind: 'busy' } | { kind: 'failed' };

export interface AskHooks {
  onQueued?: (ahead: number) => void;
  onProgress?: (e: ProgressEvent) => void;
}

function queueKey(surface: Surface, user: string | undefined): string {
  return `${surface}:${user ?? 'anonymous'}`;
}

/** Runs `work` through the queue; a full queue or a failure becomes an outcome, the detail goes to the log. */
async function queued(ctx: BotContext, surface: Surface, user: string | undefined, what: string, work: () => Promise<AskResult | undefined>, onQueued?: (ahead: number) => void): Promise<Outcome> {
  try {
    const result = await ctx.queue.submit(queueKey(surface, user), work, onQueued);
    return result ? { kind: 'answered', result } : { kind: 'failed' };
  } catch (e) {
    if (e instanceof QueueFullError) return { kind: 'busy' };
    ctx.log.error(`${surface}: ${what} from ${user ?? 'anonymous'} failed`, e);
    return { kind: 'failed' };
  }
}

/** Asks the agent with the channel's options (collection, teacher allowed) applied. */
export function askAgent(ctx: BotContext, req: AskRequest, hooks: AskHooks = {}): Promise<Outcome> {
  const channel = channelOptions(ctx.config, req.channel);
  const full: AskRequest = { ...req, onProgress: hooks.onProgress };
  if (channel.collection !== undefined && full.collection === undefined) full.collection = channel.collection;
  if (channel.allowTeacher !== undefined) full.allowTeacher = channel.allowTeacher;
  return queued(ctx, req.surface, req.user, 'question', () => ctx.answerer.ask(full), hooks.onQueued);
}

/**
 * Records 👍/👎. A 👎 on a student answer makes the agent re-ask the teacher, so it queues like a
 * question; `answered` then carries the teacher's answer, `failed` with no result means "recorded".
 */
export async function sendFeedback(ctx: BotContext, surface: Surface, logId: string, user: string, value: 'up' | 'down'): Promise<Outcome | { kind: 'recorded' }> {
  let recorded = false;
  const outcome = await queued(ctx, surface, user, 'feedback', async () => {
    const r = await ctx.answerer.feedback(logId, user, value, surface);
    recorded = true;
    return r;
  });
  return outcome.kind === 'failed' && recorded ? { kind: 'recorded' } : outcome;
}
