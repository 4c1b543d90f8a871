import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../config/index.ts';

/** The student's short system prompt: the agent's own once agent/prompts/student.md exists. */
export function studentPrompt(): string {
  const agents = path.join(repoRoot, 'agent', 'prompts', 'student.md');
  return readFileSync(existsSync(agents) ? agents : path.join(repoRoot, 'training', 'prompts', 'student.md'), 'utf8').trim();
}

export function teacherPrompt(): string {
  return readFileSync(path.join(repoRoot, 'training', 'prompts', 'teacher.md'), 'utf8').trim();
}
