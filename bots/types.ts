import type { Config } from '../config/index.ts';
import type { Dispatcher, QueueLog } from '../queue/index.ts';

/** One chat surface (Slack, Discord, the console). `serve` starts them all in one process. */
export interface BotAdapter {
  readonly name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export type BotLog = QueueLog;

/** What every adapter shares: who answers (this process's agent or the workers behind the queue), the config, a log for details users never see. */
export interface BotContext {
  config: Config;
  dispatcher: Dispatcher;
  log: BotLog;
}
