import type { Config } from '../config/index.ts';
import { createSearchTool } from './tools.ts';
import type { Retriever } from '../retrieval/index.ts';
import { Sandbox } from '../sandbox/index.ts';
import type { Route } from '../store/index.ts';
import type { ActionModel } from './llm.ts';
import { runAgent, type AgentRun } from './loop.ts';
import { studentSystemPrompt, teacherSystemPrompt } from './prompts.ts';
import type { AskRequest } from './types.ts';
import { docsMayAnswer } from './grounding.ts';
import { searchOpening } from './opening.ts';

export type RunRequest = Pick<AskRequest, 'question' | 'history' | 'collection' | 'onProgress' | 'signal'> & {
  /** Whether the documents may answer the question (docsMayAnswer), when the caller knows already. */
  grounded?: boolean;
};

/** An undistilled student does better with the teacher's worked examples; a distilled one was trained on the short prompt. */
function usesShortPrompt(config: Config, who: Route): boolean {
  if (who !== 'student') return false;
  const choice = config.agent.studentPrompt;
  return choice === 'short' || (choice === 'auto' && config.models.studentAdapter !== undefined);
}

/** One agent run with the config's settings: its own sandbox and search tool, the prompt of its role, the search opening where it applies. */
export async function runQuestion(
  config: Config,
  retriever: Retriever | null,
  who: Route,
  model: ActionModel,
  req: RunRequest,
  n: number,
  firstThought: string | null = null,
): Promise<AgentRun> {
  const cfg = config.agent;
  const opens = cfg.searchFirst && retriever !== null && (req.grounded ?? (await docsMayAnswer(retriever, req.question, req.collection, config.router.relevance).catch(() => false)));
  const search = createSearchTool(retriever, {
    collection: req.collection,
    k: cfg.searchK,
    onSearch: (query) => req.onProgress?.({ kind: 'search', query }),
  });
  return runAgent({
    who,
    model,
    systemPrompt: usesShortPrompt(config, who) ? studentSystemPrompt(cfg.searchK) : teacherSystemPrompt(cfg.searchK),
    question: req.question,
    history: req.history,
    createSandbox: () => Sandbox.create({ ...config.sandbox, tools: { search: search.tool } }),
    search,
    maxSteps: cfg.maxSteps,
    n,
    sagEarlyStop: cfg.sagEarlyStop ? { minAgreement: config.router.minAgreement } : null,
    temperature: cfg.temperature,
    topP: cfg.topP,
    maxTokens: cfg.maxTokensPerStep,
    firstThought,
    opening: opens ? searchOpening(req.question) : null,
    onProgress: req.onProgress,
    signal: req.signal,
  });
}
