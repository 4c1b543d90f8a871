/** One model turn split into its thought and its code action (the CodeAgent format). */
export interface ParsedAction {
  thought: string;
  code: string | null;
  /** Why no code could be read; the loop turns it into the next observation. */
  error: string | null;
}

export const END_CODE = '<end_code>';
/** Where generation stops: the end marker, or the model starting to invent its own observation. */
export const STOP_SEQUENCES = [END_CODE, 'Observation:'];

const FENCE = /```[ \t]*([A-Za-z]*)[ \t]*\n([\s\S]*?)(?:```|$)/g;

export function parseAction(text: string): ParsedAction {
  const body = text.split(END_CODE)[0]!;
  const first = body.indexOf('```');
  const thought = (first < 0 ? body : body.slice(0, first))
    .replace(/^\s*Thought:\s*/i, '')
    .replace(/\s*Code:\s*$/i, '')
    .trim();
  if (first < 0) {
    return {
      thought,
      code: null,
      error:
        'Your answer has no code block. Write "Thought:" then a code block:\n```js\n// your code\n```' +
        END_CODE +
        '\nCall final_answer(...) inside the code when you know the answer.',
    };
  }
  const blocks: string[] = [];
  for (const m of body.slice(first).matchAll(FENCE)) {
    if (m[2]!.trim()) blocks.push(m[2]!.trim());
  }
  if (blocks.length === 0) return { thought, code: null, error: 'The code block is empty. Write JavaScript code in it.' };
  return { thought, code: blocks.join('\n'), error: null };
}
