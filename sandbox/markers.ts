// The agent loop's own markers (agent/parse.ts, agent/observation.ts) must not reach the model's
// observation as if the loop had written them: an action printing "Observation:" or "<end_code>"
// would otherwise forge the structure of the conversation. Printed markers are quoted instead.

const END_CODE = /<end_code>/gi;
const LABEL = /^([ \t]*)(observation|final answer|thought|code|execution logs|last output from code snippet)([ \t]*:)/gim;

/** `text` with `<end_code>` escaped and every line that starts with a loop label quoted ("> "). */
export function neutralize(text: string): string {
  return text.replace(END_CODE, '&lt;end_code&gt;').replace(LABEL, '> $1$2$3');
}
