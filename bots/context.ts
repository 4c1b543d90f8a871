import type { Answerer } from '../agent/index.ts';
import type { Config } from '../config/index.ts';
import { localDispatcher } from '../queue/index.ts';
import type { BotContext, BotLog } from './types.ts';

/** Details for operators go to stderr; users only ever see the short messages in format.ts. */
export const stderrLog: BotLog = {
  info: (message) => console.error(`[bots] ${message}`),
  error: (message, detail) => console.error(`[bots] ${message}:`, detail ?? ''),
};

/** The bots in front of an agent in this process, behind the bounded in-process queue. */
export function createBotContext(config: Config, answerer: Answerer, log: BotLog = stderrLog): BotContext {
  const { workers, queueSize, perUserConcurrency } = config.bots;
  return { config, log, dispatcher: localDispatcher({ workers, queueSize, perUserConcurrency }, answerer, log) };
}
