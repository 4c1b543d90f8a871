import { LlamaChatSession, type LlamaContextSequence } from 'node-llama-cpp';
import type { Config } from '../config/index.ts';
import type { StepRecord, TrajectoryOutcome } from '../store/types.ts';
import { END_CODE, parseAction, renderObservation, taskMessage } from './format.ts';
import { Sandbox } from './sandbox.ts';

export interface LoopResult {
  steps: StepRecord[];
  finalAnswer: string | null;
  outcome: TrajectoryOutcome;
  latencyMs: number;
  completionTokens: number;
}

export interface LoopOptions {
  systemPrompt: string;
  question: string;
  /** Seeds the first thought (the paper's first-thought prefix). */
  firstThought?: string | null;
  temperature?: number;
  seed?: number;
}

/**
 * A minimal code-action agent (thought + JS block, observation back as a user turn) for the
 * training harness: teacher data generation and the gate's eval. The product's agent lives in
 * agent/; this loop speaks the same format (format.ts).
 */
export async function runLoop(config: Config, sequence: LlamaContextSequence, opts: LoopOptions): Promise<LoopResult> {
  const started = Date.now();
  const session = new LlamaChatSession({ contextSequence: sequence, systemPrompt: opts.systemPrompt, autoDisposeSequence: false });
  const sandbox = new Sandbox(config.sandbox);
  const steps: StepRecord[] = [];
  let completionTokens = 0;
  let outcome: TrajectoryOutcome = 'max_steps';
  let finalAnswer: string | null = null;
  try {
    let userTurn = taskMessage(opts.question);
    for (let index = 0; index < config.agent.maxSteps; index++) {
      const t0 = Date.now();
      const prefix = index === 0 && opts.firstThought ? `Thought: ${opts.firstThought}` : undefined;
      let text = await session.prompt(userTurn, {
        maxTokens: config.agent.maxTokensPerStep,
        temperature: opts.temperature ?? 0,
        seed: opts.seed,
        customStopTriggers: [END_CODE, 'Observation:'],
        ...(prefix ? { responsePrefix: prefix } : {}),
      });
      if (prefix && !text.startsWith(prefix)) text = prefix + text;
      const tokens = sequence.model.tokenize(text).length;
      completionTokens += tokens;
      const action = parseAction(text);
      const run = action.code == null ? null : await sandbox.run(action.code);
      const error = action.code == null ? 'parse error: no ```js code block' : run!.error;
      const observation = run?.output ?? '';
      steps.push({ index, thought: action.thought, code: action.code, observation, error, latencyMs: Date.now() - t0, promptTokens: 0, completionTokens: tokens });
      if (run?.finalAnswer != null) {
        finalAnswer = run.finalAnswer;
        outcome = 'final';
        break;
      }
      userTurn = renderObservation(observation, error);
    }
  } finally {
    sandbox.dispose();
    session.dispose({ disposeSequence: false });
    await sequence.clearHistory();
  }
  return { steps, finalAnswer, outcome, latencyMs: Date.now() - started, completionTokens };
}
