import type { Config } from '../config/index.ts';

/** What a channel may use: its collection and whether the teacher may answer there. */
export function channelOptions(config: Config, channel: string | undefined): { collection?: string; allowTeacher?: boolean } {
  const c = channel ? config.bots.channels[channel] : undefined;
  return { collection: c?.collection, allowTeacher: c?.allowTeacher };
}
