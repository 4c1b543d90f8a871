import type { Answerer } from '../agent/index.ts';
import type { Config } from '../config/index.ts';
import type { AskQueue } from './queue.ts';

/** One chat surface (Slack, Discord, the console). `serve` starts them all in one process. */
export interface BotAdapter {
  readonly name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface BotLog {
  info(message: string): void;
  error(message: string, detail?: unknown): void;
}

/** What every adapter shares: the answerer behind one queue, the config, a log for details users never see. */
export interface BotContext {
  config: Config;
  answerer: Answerer;
  queue: AskQueue;
  log: BotLog;
}
