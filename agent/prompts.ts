import { readFileSync } from 'node:fs';

function load(name: string): string {
  return readFileSync(new URL(`./prompts/${name}.md`, import.meta.url), 'utf8').trim();
}

function toolList(searchK: number): string {
  return load('tools').replace('{{k}}', String(searchK));
}

/** The short prompt the student is trained and run with (description and tool list only). */
export function studentSystemPrompt(searchK: number): string {
  return load('student').replace('{{tools}}', toolList(searchK));
}

/** The long teacher prompt: tools, rules and worked examples (a search and a math example). */
export function teacherSystemPrompt(searchK: number): string {
  return load('teacher').replace('{{tools}}', toolList(searchK));
}

/** Chain-of-thought mode: the first-thought prefix and `eval --mode cot` use it. */
export function cotSystemPrompt(): string {
  return load('cot');
}

/** The `plan` first thought: what to search for, without an answer. */
export function planSystemPrompt(): string {
  return load('plan');
}

export function finalFromMemoryPrompt(): string {
  return load('final-from-memory');
}

/** The first user turn: the task as the reference phrases it, with the format reminder. */
export function taskMessage(question: string): string {
  return (
    `New task:\n${question}\n\n` +
    "IMPORTANT: Always provide a 'Thought:' sequence, and a 'Code:\n```js' sequence ending with '```<end_code>' sequence, else you will fail."
  );
}
