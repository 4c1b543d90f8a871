/** One turn of a conversation a model continues. */
export interface ChatTurn {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface GenerateOptions {
  /** How many candidates to sample from the same prompt (SAG); 1 for a plain step. */
  n: number;
  maxTokens: number;
  temperature: number;
  topP: number;
  stop: string[];
  /** Text the assistant turn starts with; candidates continue it (not included in `texts`). */
  prefix?: string;
  signal?: AbortSignal;
  /** SAG: candidate `index` has finished decoding (not called for one cut short by `enough`). */
  onCandidate?: (index: number, text: string) => void;
  /** SAG early stop: once aborted, the candidates still decoding stop; their texts come back cut short. */
  enough?: AbortSignal;
}

export interface Generation {
  /** The continuation of each candidate, cut before the stop sequence. */
  texts: string[];
  promptTokens: number;
  completionTokens: number;
  /** The model's own time: prompt evaluation and token generation (the bench compares wall time to this). */
  prefillMs: number;
  decodeMs: number;
}

/** Cuts a text before the first stop sequence. */
export function cutAtStop(text: string, stop: string[]): { text: string; stopped: boolean } {
  let cut = -1;
  for (const s of stop) {
    const i = text.indexOf(s);
    if (i >= 0 && (cut < 0 || i < cut)) cut = i;
  }
  return cut < 0 ? { text, stopped: false } : { text: text.slice(0, cut), stopped: true };
}

/**
 * The conversation no longer fits the model's context (prompt plus room for the reply). The model
 * throws it before generating anything; the agent loop ends the run with outcome `context_full`
 * and keeps the steps done so far.
 */
export class ContextFullError extends Error {
  override readonly name = 'ContextFullError';

  constructor(
    /** Tokens of the rendered conversation. */
    readonly promptTokens: number,
    /** The reply's token budget that had to fit after it. */
    readonly replyTokens: number,
    readonly contextSize: number,
  ) {
    super(`the conversation (${promptTokens} tokens) no longer fits the model's context (${contextSize}) with room for a ${replyTokens}-token reply`);
  }
}
