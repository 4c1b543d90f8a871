import {
  getModuleVersion,
  resolveChatWrapper,
  type ChatHistoryItem,
  type ChatWrapper,
  type LlamaContext,
  type LlamaContextSequence,
  type LlamaModel,
  type Token,
} from 'node-llama-cpp';
import path from 'node:path';
import type { Config } from '../config/index.ts';
import { DecodeRounds } from './decode-rounds.ts';
import { ContextFullError, cutAtStop, type ChatTurn, type GenerateOptions, type Generation } from './generation.ts';
import { checkInternals, copyState, driftLine, type Sampling } from './internals.ts';
import { contextOptions, loadModel } from './llama.ts';
import { NativeRounds } from './native-rounds.ts';

export interface LoadOptions {
  /** The model reference (see models/resolve.ts). */
  model: string;
  /** A LoRA adapter (GGUF) applied to the model. */
  adapter?: string | null;
  /** Candidates one generation may sample at once (the largest SAG N). */
  sequences: number;
  /** Generations that may run at once, each on its own group of `sequences` sequences. */
  slots?: number;
  /** Where the load-time self-check reports a drift in node-llama-cpp's internals (default: stderr). */
  log?: (line: string) => void;
}

/** Below this many uncached prompt tokens a sequence evaluates them itself rather than loading a copied state. */
const SHARE_MIN_TOKENS = 16;

interface Decoded {
  out: Token[];
  firstTokenAt: number;
  endAt: number;
}

interface Sample {
  text: string;
  tokens: number;
  firstTokenAt: number;
  endAt: number;
}

function toHistory(turns: ChatTurn[], prefix: string): ChatHistoryItem[] {
  const items: ChatHistoryItem[] = turns.map((t) =>
    t.role === 'system'
      ? { type: 'system', text: t.content }
      : t.role === 'user'
        ? { type: 'user', text: t.content }
        : { type: 'model', response: [t.content] },
  );
  // The open model turn the candidates continue (empty, or the first-thought prefix).
  items.push({ type: 'model', response: [prefix] });
  return items;
}

/**
 * A GGUF model run through node-llama-cpp with its own chat template: the student, and the local
 * teacher. One context holds `slots` groups of N sequences (N = the largest SAG N): a generation
 * takes the free group that caches most of its prompt, evaluates the prompt once and copies that
 * state to the group's other sequences, then samples the N candidates together. Concurrent
 * questions keep their conversations cached in their own groups, and every running sequence
 * decodes in lock-step rounds that share one batch. The rounds run inside the addon where it has
 * them (NativeRounds), else through node-llama-cpp's token loop (DecodeRounds). At load,
 * checkInternals() verifies the node-llama-cpp internals these use; what is missing falls back
 * to the public path (no prompt copy, DecodeRounds) and is reported in one line.
 */
export class LocalModel {
  #slots: LlamaContextSequence[][] = [];
  #free: number[] = [];
  #waiting: ((slot: number) => void)[] = [];
  #running = new Set<Promise<unknown>>();
  readonly #rounds = new DecodeRounds();
  #native: NativeRounds | null = null;
  #promptCopy = false;

  private constructor(
    readonly name: string,
    readonly adapter: string | null,
    private readonly model: LlamaModel,
    private readonly context: LlamaContext,
    private readonly wrapper: ChatWrapper,
  ) {}

  /**
   * Loads `o.model` (with `o.adapter`) with room for `o.slots` concurrent generations of up to
   * `o.sequences` candidates each, in the config's context size and `engine.*` settings.
   */
  static async load(config: Config, o: LoadOptions): Promise<LocalModel> {
    const { sequences, slots = 1 } = o;
    const adapter = o.adapter ?? null;
    const model = await loadModel(config, o.model);
    const context = await model.createContext({
      contextSize: config.models.contextSize,
      sequences: sequences * slots,
      ...contextOptions(config),
      ...(adapter ? { lora: { adapters: [{ filePath: path.resolve(adapter) }] } } : {}),
    });
    const wrapper = resolveChatWrapper(model);
    if (!wrapper) throw new Error(`no chat template found for model ${o.model}`);
    const m = new LocalModel(o.model, adapter, model, context, wrapper);
    // Created in order, so a sequence's place in #slots.flat() is its id in the context (decode rounds sort by it).
    m.#slots = Array.from({ length: slots }, () => Array.from({ length: sequences }, () => context.getSequence()));
    m.#free = m.#slots.map((_, i) => i);
    const check = checkInternals(model, context, m.#slots[0]![0]!);
    if (check.missing.length > 0) {
      (o.log ?? ((line: string) => process.stderr.write(`${line}\n`)))(driftLine(check, await getModuleVersion()));
    }
    m.#promptCopy = check.promptCopy;
    if (config.engine.nativeDecode && check.addonRounds) m.#native = new NativeRounds(context, model);
    return m;
  }

  /** Renders the turns with the model's chat template, ending inside the open assistant turn. */
  promptTokens(turns: ChatTurn[], prefix = ''): Token[] {
    const { contextText } = this.wrapper.generateContextState({ chatHistory: toHistory(turns, prefix) });
    return contextText.tokenize(this.model.tokenizer);
  }

  async generate(turns: ChatTurn[], opts: GenerateOptions): Promise<Generation> {
    const tokens = this.promptTokens(turns, opts.prefix ?? '');
    const slot = await this.#acquire(tokens);
    const run = this.#generate(this.#slots[slot]!, tokens, opts);
    this.#running.add(run);
    try {
      return await run;
    } finally {
      this.#running.delete(run);
      this.#release(slot);
    }
  }

  /** A free slot, preferring the one that caches most of this prompt (the same question's previous step). */
  #acquire(tokens: Token[]): Promise<number> {
    if (this.#free.length === 0) return new Promise((resolve) => this.#waiting.push(resolve));
    const cached = this.#free.map((i) => this.#slots[i]![0]!.compareContextTokens(tokens).firstDifferentIndex);
    const [slot] = this.#free.splice(cached.indexOf(Math.max(...cached)), 1);
    return Promise.resolve(slot!);
  }

  #release(slot: number): void {
    const next = this.#waiting.shift();
    if (next) next(slot);
    else this.#free.push(slot);
  }

  async #generate(group: LlamaContextSequence[], tokens: Token[], opts: GenerateOptions): Promise<Generation> {
    const n = Math.min(opts.n, group.length);
    if (tokens.length + opts.maxTokens > this.context.contextSize) {
      throw new ContextFullError(tokens.length, opts.maxTokens, this.context.contextSize);
    }
    const seed = (Math.random() * 2 ** 31) >>> 0;
    const start = performance.now();
    const seqs = group.slice(0, n);
    if (this.#promptCopy) await this.#sharePrompt(seqs, tokens);
    const samples = await Promise.all(seqs.map((seq, i) => this.#sample(seq, tokens, opts, i, seed + i)));
    const firstToken = Math.max(...samples.map((s) => s.firstTokenAt));
    const end = Math.max(...samples.map((s) => s.endAt));
    return {
      texts: samples.map((s) => s.text),
      promptTokens: tokens.length,
      completionTokens: samples.reduce((a, s) => a + s.tokens, 0),
      prefillMs: firstToken - start,
      decodeMs: end - firstToken,
    };
  }

  /**
   * The N candidates share one prompt: evaluate it once, on the sequence that already caches most
   * of it, and copy that sequence's KV cells into the others, so a SAG step costs one prefill
   * instead of N. The last prompt token is left for each sequence to evaluate itself, which gives
   * every candidate its own first-token logits. Without the copy (checkInternals()), each
   * candidate evaluates the prompt itself.
   */
  async #sharePrompt(seqs: LlamaContextSequence[], tokens: Token[]): Promise<void> {
    const prefix = tokens.slice(0, -1);
    const cached = seqs.map((s) => s.compareContextTokens(prefix).firstDifferentIndex);
    const lead = cached.indexOf(Math.max(...cached));
    const behind = seqs.filter((_, i) => i !== lead && prefix.length - cached[i]! > SHARE_MIN_TOKENS);
    if (behind.length === 0) return;
    const seq = seqs[lead]!;
    const keep = cached[lead]!;
    if (keep < seq.nextTokenIndex) await seq.eraseContextTokenRanges([{ start: keep, end: seq.nextTokenIndex }]);
    if (keep < prefix.length) await seq.evaluateWithoutGeneratingNewTokens(prefix.slice(keep));
    for (const other of behind) await copySequence(seq, other, prefix.length);
  }

  /** Decode rounds run, the sequences in them and their runs of consecutive ids, ms in rounds (see DecodeRounds.stats). */
  get roundStats(): DecodeRounds['stats'] {
    return { ...(this.#native ?? this.#rounds).stats };
  }

  /** Whether decode rounds run inside the addon (NativeRounds), rather than through node-llama-cpp's token loop (DecodeRounds). */
  get nativeDecode(): boolean {
    return this.#native !== null;
  }

  /** Forgets every sequence's cached prompt, so the next step starts cold (benchmarks compare cold steps). */
  async clearCache(): Promise<void> {
    await Promise.allSettled(this.#running);
    for (const seq of this.#slots.flat()) await seq.clearHistory();
  }

  async #sample(seq: LlamaContextSequence, tokens: Token[], opts: GenerateOptions, index: number, seed: number): Promise<Sample> {
    // Keep the cached prefix this sequence shares with the prompt; evaluate at least one token for fresh logits.
    const keep = Math.min(seq.compareContextTokens(tokens).firstDifferentIndex, tokens.length - 1);
    if (keep < seq.nextTokenIndex) await seq.eraseContextTokenRanges([{ start: keep, end: seq.nextTokenIndex }]);
    // A stop sequence that just appeared lies in the last few tokens: detokenize only those.
    const window = 2 * Math.max(0, ...opts.stop.map((x) => x.length)) + 8;
    const stopped = (out: Token[]) => cutAtStop(this.model.detokenize(out.slice(-window)), opts.stop).stopped;
    const sampling = opts.temperature > 0 ? { temperature: opts.temperature, topP: opts.topP, seed } : { temperature: 0 };
    let cut = false;
    // Whether to end after `out`: a stop string, the limit or an abort end it; a decided vote cuts it.
    const halt = (out: Token[]) => {
      if (stopped(out) || out.length >= opts.maxTokens || opts.signal?.aborted) return true;
      cut = opts.enough?.aborted ?? false;
      return cut;
    };
    const { out, firstTokenAt, endAt } = this.#native
      ? await this.#decodeNative(seq, tokens, keep, opts, sampling, halt)
      : await this.#decodeLoop(seq, tokens.slice(keep), sampling, halt);
    const text = cutAtStop(this.model.detokenize(out), opts.stop).text;
    if (!cut && !opts.signal?.aborted) opts.onCandidate?.(index, text);
    return { text, tokens: out.length, firstTokenAt: firstTokenAt || endAt, endAt };
  }

  /**
   * The rounds inside the addon. The prompt's last batch rides in the first round; longer prompts
   * evaluate their earlier batches through node-llama-cpp first, split as its own evaluate()
   * splits them, so the arithmetic, and greedy text, are what node-llama-cpp's loop would give.
   */
  async #decodeNative(seq: LlamaContextSequence, tokens: Token[], keep: number, opts: GenerateOptions, sampling: Sampling, halt: (out: Token[]) => boolean): Promise<Decoded> {
    const rest = tokens.slice(keep);
    const last = ((rest.length - 1) % this.context.batchSize) + 1;
    if (rest.length > last) await seq.evaluateWithoutGeneratingNewTokens(rest.slice(0, -last));
    const r = await this.#native!.generate({ sequence: seq, tokens: rest.slice(-last), sampling, stop: opts.stop, maxTokens: opts.maxTokens, halt });
    return { out: r.tokens, firstTokenAt: r.firstTokenAt, endAt: r.endAt };
  }

  /** node-llama-cpp's token loop, one token per DecodeRounds round, until `halt` says so after a token. */
  async #decodeLoop(seq: LlamaContextSequence, evaluate: Token[], sampling: Sampling, halt: (out: Token[]) => boolean): Promise<Decoded> {
    const out: Token[] = [];
    let firstTokenAt = 0;
    const stream = seq.evaluate(evaluate, sampling);
    try {
      // The stream ends (null) at an end-of-generation token, which it never yields.
      const order = this.#slots.flat().indexOf(seq);
      for (let token = await this.#rounds.next(stream, order); token !== null; token = await this.#rounds.next(stream, order)) {
        firstTokenAt ||= performance.now();
        out.push(token);
        if (halt(out)) break;
      }
    } finally {
      await stream.return();
    }
    return { out, firstTokenAt, endAt: performance.now() };
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.#running);
    await this.context.dispose();
  }
}

/**
 * Makes `to` hold `from`'s first `length` tokens, by llama.cpp's in-memory sequence copy
 * (llama_memory_seq_cp: a copy on the device, or shared cells with a unified KV cache).
 * node-llama-cpp uses it for its own prefix sharing but keeps it internal (engine/internals.ts);
 * the public alternative, a state save/load through a file, costs a trip through host memory
 * and disk per candidate. `to` is emptied first: in a unified KV cache the copy adds `from`'s
 * cells to `to` and keeps the cells `to` already had, which it would then attend to as well.
 * A copy that does not cover the prefix leaves `to` empty, to be evaluated from scratch.
 */
async function copySequence(from: LlamaContextSequence, to: LlamaContextSequence, length: number): Promise<void> {
  await to.clearHistory();
  if (!(await copyState(from, to, length))) await to.clearHistory();
}
