/**
 * The code-action format the SFT set teaches and the harness parses: a thought, then one ```js
 * block. Keep it in step with the agent's parser (agent/), which runs the student in production.
 */

export interface Action {
  thought: string;
  code: string | null;
}

const BLOCK = /```(?:js|javascript)?[ \t]*\n([\s\S]*?)```/;

export function parseAction(text: string): Action {
  const m = BLOCK.exec(text);
  const thought = (m ? text.slice(0, m.index) : text).replace(/^\s*Thought:\s*/i, '').trim();
  return { thought, code: m ? m[1]!.trim() : null };
}

export function renderAction(a: Action): string {
  const thought = `Thought: ${a.thought}`;
  return a.code == null ? thought : `${thought}\n\`\`\`js\n${a.code}\n\`\`\``;
}

export function renderObservation(observation: string, error: string | null): string {
  const parts = [`Observation:\n${observation || '(no output)'}`];
  if (error) parts.push(`Error: ${error}`);
  return parts.join('\n');
}
