import { isAbstention } from '../answers/index.ts';
import type { ActionResult, Sandbox } from '../sandbox/index.ts';
import type { Route, SourceRef, StepRecord, TrajectoryOutcome } from '../store/index.ts';
import type { ProgressEvent } from './types.ts';
import { contextFullOf, type ContextFullError } from './context-full.ts';
import type { ActionModel, ChatTurn, Generation } from './llm.ts';
import { observationOf } from './observation.ts';
import { END_CODE, parseAction, STOP_SEQUENCES } from './parse.ts';
import { finalFromMemoryPrompt, taskMessage } from './prompts.ts';
import { SagStep } from './sag.ts';
import type { Passage } from '../retrieval/index.ts';
import { citedPassages } from './cite.ts';
import { stallOf } from './stall.ts';
import { sourceRef, type SearchTool } from './tools.ts';

export interface RunOptions {
  who: Route;
  model: ActionModel;
  systemPrompt: string;
  question: string;
  history?: { role: 'user' | 'assistant'; text: string }[];
  /** Creates the question's sandbox (with the search tool); the loop disposes it. */
  createSandbox: () => Promise<Sandbox>;
  search: SearchTool;
  maxSteps: number;
  /** Candidates per step; 1 = plain greedy-ish decoding, >1 = SAG. */
  n: number;
  /** SAG stops the candidates still decoding once they can change neither the winner nor the route (see SagStep); null: never. */
  sagEarlyStop: { minAgreement: number } | null;
  temperature: number;
  topP: number;
  maxTokens: number;
  /** First-thought prefix: the first generated step's `Thought:` starts with it and is continued. */
  firstThought?: string | null;
  /** A step the run opens with instead of a model turn (see opening.ts); it runs like any action. */
  opening?: string | null;
  onProgress?: (e: ProgressEvent) => void;
  signal?: AbortSignal;
}

export interface AgentRun {
  steps: StepRecord[];
  finalAnswer: string | null;
  outcome: TrajectoryOutcome;
  /** Steps whose chosen action failed to parse or threw. */
  errors: number;
  /** SAG agreement of the step that gave the final answer (null without SAG). */
  agreement: number | null;
  /** The passages the final answer used (see cite.ts); [] when none supports it. */
  sources: SourceRef[];
  /** The run called `search` at least once. */
  searched: boolean;
  /** Why the run stopped early (outcome `stalled`): a repeated action or observation, or a step that did nothing. */
  stalled: string | null;
  latencyMs: number;
  promptTokens: number;
  completionTokens: number;
  /** The model's own prefill + decode time over all steps. */
  modelMs: number;
  /** Set when the run ended because the conversation no longer fit the model's context (outcome `context_full`). */
  contextFull?: { afterSteps: number; promptTokens: number; contextSize: number };
}

const FINAL_LINE = /final answer:\s*([\s\S]*)/i;

/** The CodeAgent loop: Thought + code action, run in the sandbox, observation back, until final_answer or max steps. */
export async function runAgent(o: RunOptions): Promise<AgentRun> {
  const start = performance.now();
  const turns: ChatTurn[] = [{ role: 'system', content: o.systemPrompt }];
  for (const h of o.history ?? []) turns.push({ role: h.role, content: h.text });
  turns.push({ role: 'user', content: taskMessage(o.question) });
  const steps: StepRecord[] = [];
  const run: AgentRun = { steps, finalAnswer: null, outcome: 'max_steps', errors: 0, agreement: null, sources: [], searched: false, stalled: null, latencyMs: 0, promptTokens: 0, completionTokens: 0, modelMs: 0 };
  const passages: Passage[] = [];
  let sandbox = await o.createSandbox();
  try {
    for (let i = 0; i < o.maxSteps && run.finalAnswer === null; i++) {
      if (o.signal?.aborted) throw o.signal.reason ?? new Error('aborted');
      o.onProgress?.({ kind: 'step', step: i + 1, maxSteps: o.maxSteps, who: o.who });
      const t0 = performance.now();
      const scripted = i === 0 && o.opening ? o.opening : null;
      // The student's turns always open with "Thought:" (its training format); the teacher's first
      // generated one may open with the first-thought prefix.
      const firstGenerated = i === (o.opening ? 1 : 0);
      const prefix = scripted ? '' : firstGenerated && o.firstThought ? `Thought: ${o.firstThought.trim()}\n\n` : o.who === 'student' ? 'Thought:' : '';
      let gen: Generation;
      const sag = o.n > 1 && !scripted ? new SagStep(sandbox, o.n, o.sagEarlyStop) : null;
      try {
        gen = scripted ? { texts: [scripted], promptTokens: 0, completionTokens: 0, prefillMs: 0, decodeMs: 0 } : await o.model.generate(turns, {
          n: o.n,
          maxTokens: o.maxTokens,
          temperature: o.n > 1 ? o.temperature : 0,
          topP: o.topP,
          stop: STOP_SEQUENCES,
          prefix,
          signal: o.signal,
          onCandidate: sag ? (i, text) => void sag.add(i, prefix + text) : undefined,
          enough: sag?.enough,
        });
      } catch (e) {
        await sag?.discard();
        const full = contextFullOf(e);
        if (!full || o.signal?.aborted) throw e;
        // Out of context is a normal end: the steps so far stay, and the answer comes from memory if that still fits.
        markContextFull(run, full);
        break;
      }
      run.promptTokens += gen.promptTokens;
      run.completionTokens += gen.completionTokens;
      run.modelMs += gen.prefillMs + gen.decodeMs;
      const texts = gen.texts.map((t) => prefix + t);
      o.onProgress?.({ kind: 'code' });

      let text: string;
      let code: string | null;
      let thought: string;
      let observation: string;
      let result: ActionResult | null = null;
      let extra: Pick<StepRecord, 'candidates' | 'agreement'> = {};
      if (sag) {
        const voted = await sag.finish(texts);
        sandbox = voted.sandbox;
        ({ text, parsed: { code, thought }, result, observation } = voted.chosen);
        extra = { candidates: voted.records, agreement: voted.agreement };
      } else {
        text = texts[0] ?? '';
        const parsed = parseAction(text);
        ({ code, thought } = parsed);
        if (code) {
          result = await sandbox.run(code);
          observation = observationOf(result);
        } else {
          observation = parsed.error!;
        }
      }
      const error = !code ? 'parse' : result?.error ? `${result.error.kind}: ${result.error.message}` : null;
      if (error) run.errors++;
      const found = result ? o.search.passagesOf(result.toolCalls) : [];
      passages.push(...found);
      if (result?.toolCalls.some((c) => c.name === 'search')) run.searched = true;
      const sources = found.map(sourceRef);
      const stalled = result?.finalAnswer ? null : stallOf(steps, { code, observation, result });
      steps.push({
        index: i,
        thought,
        code,
        observation,
        error,
        ...extra,
        ...(sources.length ? { sources } : {}),
        latencyMs: performance.now() - t0,
        promptTokens: gen.promptTokens,
        completionTokens: gen.completionTokens,
      });
      if (result?.finalAnswer) {
        run.finalAnswer = result.finalAnswer.value;
        run.agreement = extra.agreement ?? null;
      }
      const shown = text.trimEnd().endsWith('```') ? `${text.trimEnd()}${END_CODE}` : text.trimEnd();
      turns.push({ role: 'assistant', content: shown }, { role: 'user', content: `Observation:\n${observation}` });
      if (stalled) {
        run.stalled = stalled;
        break;
      }
    }
    if (run.finalAnswer !== null) run.outcome = isAbstention(run.finalAnswer) ? 'abstained' : 'final';
    else {
      if (run.stalled) run.outcome = 'stalled';
      // A stalled student goes to the teacher at once; anyone else answers from what it has seen.
      if (!(run.stalled && o.who === 'student')) await answerFromMemory(o, turns, run);
    }
  } finally {
    sandbox.dispose();
  }
  const answerStep = [...steps].reverse().find((s) => s.code !== null);
  run.sources = run.finalAnswer === null || isAbstention(run.finalAnswer) ? [] : citedPassages(run.finalAnswer, passages, { code: answerStep?.code ?? null, question: o.question });
  run.latencyMs = performance.now() - start;
  return run;
}

function markContextFull(run: AgentRun, err: ContextFullError): void {
  run.outcome = 'context_full';
  run.contextFull ??= { afterSteps: run.steps.length, promptTokens: err.promptTokens, contextSize: err.contextSize };
}

/**
 * Out of steps or out of context: one more call asks for the answer from what the run has seen.
 * It asks for a much shorter reply than a step, so it may fit where the next step did not; if it
 * does not fit either, the run ends without an answer (outcome `context_full`).
 */
async function answerFromMemory(o: RunOptions, turns: ChatTurn[], run: AgentRun): Promise<void> {
  const note = run.contextFull ? '(final answer from memory: the conversation no longer fits the context)' : '(final answer from memory after max steps)';
  try {
    await finalFromMemory(o, turns, run, note);
  } catch (e) {
    const full = contextFullOf(e);
    if (!full || o.signal?.aborted) throw e;
    markContextFull(run, full);
  }
}

async function finalFromMemory(o: RunOptions, turns: ChatTurn[], run: AgentRun, note: string): Promise<void> {
  const t0 = performance.now();
  const gen = await o.model.generate([...turns, { role: 'user', content: finalFromMemoryPrompt() }], {
    n: 1,
    maxTokens: Math.min(o.maxTokens, 96),
    temperature: 0,
    topP: o.topP,
    stop: STOP_SEQUENCES,
    signal: o.signal,
  });
  run.promptTokens += gen.promptTokens;
  run.completionTokens += gen.completionTokens;
  run.modelMs += gen.prefillMs + gen.decodeMs;
  const text = gen.texts[0] ?? '';
  const m = FINAL_LINE.exec(text);
  const answer = (m ? m[1]! : text).split('\n')[0]!.replace(/^["'`]|["'`]$/g, '').trim();
  run.finalAnswer = answer || null;
  run.steps.push({
    index: run.steps.length,
    thought: text.trim(),
    code: null,
    observation: note,
    error: null,
    latencyMs: performance.now() - t0,
    promptTokens: gen.promptTokens,
    completionTokens: gen.completionTokens,
  });
}
