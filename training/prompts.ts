import type { Config } from '../config/index.ts';
import { studentSystemPrompt } from '../agent/index.ts';

/** The student's short system prompt, the one agent/ runs a distilled student with: the SFT set must match it. */
export function studentPrompt(config: Config): string {
  return studentSystemPrompt(config.agent.searchK);
}
