import { cotSystemPrompt } from './prompts.ts';
import { invokeTeacher, type Teacher } from './teacher.ts';

/**
 * First-thought prefix (Kang et al., 2025): the teacher first answers in chain-of-thought mode,
 * and the first paragraph of that answer seeds the agent run's first `Thought:`. Only the first
 * paragraph is needed, so generation stops at the first blank line.
 */
export async function firstThought(teacher: Teacher, question: string, timeoutMs: number, signal?: AbortSignal): Promise<string | null> {
  const r = await invokeTeacher(
    teacher,
    [
      { role: 'system', content: cotSystemPrompt() },
      { role: 'user', content: question },
    ],
    { stop: ['\n\n'], timeoutMs, signal },
  );
  const para = r.text.trim().split(/\n\s*\n/)[0]?.trim() ?? '';
  return para || null;
}
