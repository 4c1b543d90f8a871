/**
 * The CodeAgent turn format of agent/ (parse.ts, loop.ts): `Thought: …`, `Code:`, a ```js block
 * closed by `<end_code>`; observations come back as `Observation:\n…` user turns. The SFT set is
 * rendered in it, so the student learns what agent/'s parser reads.
 */
import { END_CODE, taskMessage } from '../agent/index.ts';

export { taskMessage };

export interface Action {
  thought: string;
  code: string | null;
}

export function renderAction(a: Action): string {
  const thought = `Thought: ${a.thought}`;
  return a.code == null ? thought : `${thought}\nCode:\n\`\`\`js\n${a.code}\n\`\`\`${END_CODE}`;
}

export function renderObservation(observation: string, error: string | null): string {
  return `Observation:\n${[observation, error ? `Error: ${error}` : ''].filter(Boolean).join('\n') || '(no output)'}`;
}
