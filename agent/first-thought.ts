import { cotSystemPrompt, planSystemPrompt } from './prompts.ts';
import { invokeTeacher, type Teacher } from './teacher.ts';

/**
 * What seeds the teacher's first `Thought:`:
 * - `answer`: the first paragraph of its chain-of-thought answer (Kang et al., 2025). On document
 *   questions that paragraph often states a guessed fact, which the run then just returns.
 * - `plan`: a paragraph that says what to search for, without answering.
 * - `off`: no prefix.
 */
export type FirstThoughtMode = 'off' | 'answer' | 'plan';

/** The teacher's first paragraph in `mode` (generation stops at the first blank line), or null for `off`. */
export async function firstThought(
  teacher: Teacher,
  question: string,
  mode: FirstThoughtMode,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<string | null> {
  if (mode === 'off') return null;
  const r = await invokeTeacher(
    teacher,
    [
      { role: 'system', content: mode === 'plan' ? planSystemPrompt() : cotSystemPrompt() },
      { role: 'user', content: question },
    ],
    { stop: ['\n\n'], timeoutMs, signal },
  );
  const para = r.text.trim().split(/\n\s*\n/)[0]?.trim() ?? '';
  return para || null;
}
