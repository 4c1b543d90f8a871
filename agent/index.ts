import type { Config } from '../config/index.ts';
import { openRetriever, type Retriever } from '../retrieval/index.ts';
import { Sandbox } from '../sandbox/index.ts';
import { openStore, type LogStore } from '../store/index.ts';
import { AgentAnswerer } from './answerer.ts';
import { loadStudent } from './student.ts';
import { createTeacher, type Teacher } from './teacher.ts';
import type { Answerer } from './types.ts';

export type { Answerer, AskRequest, AskResult, ProgressEvent } from './types.ts';
export { APOLOGY } from './answerer.ts';
export { runEval, readDataset, formatReports, type EvalItem, type EvalMode, type EvalReport, type EvalRow } from './eval.ts';
export { NOT_IN_DOCS } from './deliver.ts';
export { runTeacher, type TeacherRun } from './teacher-run.ts';
export type { FirstThoughtMode } from './first-thought.ts';
export { loadStudent } from './student.ts';
export { createTeacher, invokeTeacher, type Teacher } from './teacher.ts';
export { runQuestion } from './run.ts';
export { studentSystemPrompt, taskMessage } from './prompts.ts';
export { END_CODE } from './parse.ts';
export { STOPPED } from './sag.ts';
export { greedyShare } from './greedy-check.ts';

export interface AgentDeps {
  /** Shared instances; the agent opens its own (and closes them) when absent. */
  store?: LogStore;
  retriever?: Retriever | null;
  /** Progress and routing decisions (default: stderr). */
  log?: (line: string) => void;
}

export type Agent = Answerer & { close(): Promise<void> };

/** The name the configured teacher is logged under, or null when there is none. */
export function teacherName(config: Config): string | null {
  const t = config.teacher;
  if (t.provider === 'none') return null;
  if (t.provider === 'local') return config.models.teacher;
  return `${t.provider}:${t.model ?? 'default'}`;
}

/** The given store, retriever and log, or the configured ones (a retriever that cannot open is logged and left out). */
export async function openAgentDeps(config: Config, deps: AgentDeps): Promise<Required<AgentDeps>> {
  const log = deps.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const store = deps.store ?? (await openStore(config));
  const retriever =
    deps.retriever !== undefined
      ? deps.retriever
      : await openRetriever(config).catch((e: Error) => {
          log(`search is unavailable: ${e.message}`);
          return null;
        });
  return { log, store, retriever };
}

/**
 * The agent bots and the CLI use: student first (SAG with `agent.sagN` candidates), the teacher
 * (loaded on first escalation) when the router says so, everything logged in the store.
 */
export async function createAgent(config: Config, deps: AgentDeps = {}): Promise<Agent> {
  const { log, store, retriever } = await openAgentDeps(config, deps);
  // The sandbox process starts while the student loads, so the first question does not wait for it.
  const sandboxReady = Sandbox.warmUp(config.sandbox.memoryMb);
  const student = await loadStudent(config, config.agent.sagN, config.agent.parallel);
  await sandboxReady;
  let teacher: Promise<Teacher | null> | undefined;
  const answerer = new AgentAnswerer({
    config,
    store,
    retriever,
    student,
    teacher: () => {
      teacher ??= createTeacher(config);
      teacher.catch(() => (teacher = undefined));
      return teacher;
    },
    teacherName: teacherName(config),
    log,
  });
  return {
    ask: (req) => answerer.ask(req),
    feedback: (...args) => answerer.feedback(...args),
    async close() {
      await answerer.drain();
      await student.close();
      await (await teacher?.catch(() => null))?.close();
      if (deps.retriever === undefined) await retriever?.close();
      if (!deps.store) await store.close();
    },
  };
}
