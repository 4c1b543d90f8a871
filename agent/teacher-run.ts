import type { Config } from '../config/index.ts';
import type { Retriever } from '../retrieval/index.ts';
import { firstThought, type FirstThoughtMode } from './first-thought.ts';
import type { AgentRun } from './loop.ts';
import { runQuestion, type RunRequest } from './run.ts';
import { TeacherActionModel, type Teacher } from './teacher.ts';

export interface TeacherRun {
  run: AgentRun;
  model: TeacherActionModel;
  firstThought: string | null;
}

/** The one way to run the teacher on a question (answerer, eval, distillation): its first thought in `mode`, then the agent run. */
export async function runTeacher(
  config: Config,
  retriever: Retriever | null,
  teacher: Teacher,
  req: RunRequest,
  mode: FirstThoughtMode,
): Promise<TeacherRun> {
  const timeoutMs = config.teacher.timeoutMs;
  const model = new TeacherActionModel(teacher, timeoutMs);
  const thought = await firstThought(teacher, req.question, mode, timeoutMs, req.signal);
  const run = await runQuestion(config, retriever, 'teacher', model, req, 1, thought);
  return { run, model, firstThought: thought };
}
