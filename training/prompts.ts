import type { Config } from '../config/index.ts';
import { studentSystemPrompt, teacherSystemPrompt } from '../agent/prompts.ts';

/** The student's short system prompt, the one agent/ runs it with: the SFT set must match it. */
export function studentPrompt(config: Config): string {
  return studentSystemPrompt(config.agent.searchK);
}

export function teacherPrompt(config: Config): string {
  return teacherSystemPrompt(config.agent.searchK);
}
