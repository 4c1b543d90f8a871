// node-llama-cpp's private members the engine uses (pinned at 3.22.1), typed here and read or
// written only through this file: the sequence state its own token loop keeps, its in-memory
// sequence copy, the addon's context and sampler, its context lock. checkInternals() verifies them at load, so a
// node-llama-cpp upgrade that moves one costs speed (the public path), never correctness.
import { withLock } from 'lifecycle-utils';
import type { LlamaContext, LlamaContextSequence, LlamaModel, Token } from 'node-llama-cpp';

export type Sampling = { temperature: number; topP?: number; seed?: number };

export interface AddonSampler {
  applyConfig(config: object): void;
  dispose(): void;
}

/** One stream of a generateRounds call (engine/addon/AddonGenerateRounds.cpp). */
export interface AddonStream {
  sequenceId: number;
  position: number;
  tokens: Token[];
  sampler: AddonSampler;
  maxTokens: number;
  stop: string[];
}

export interface AddonRounds {
  rounds: number;
  streamRounds: number;
  idRuns: number;
  ms: number;
  error: string | null;
  streams: { tokens: Uint32Array; fed: number; end: number; firstMs: number }[];
}

type GenerateRounds = (streams: AddonStream[], budgetMs: number) => Promise<AddonRounds>;

interface ContextInternals {
  _ctx: Record<string, unknown> & { generateRounds?: GenerateRounds };
  _backendContextDisposeGuard: { createPreventDisposalHandle(): { dispose(): void } };
}
interface SequenceInternals {
  _sequenceId: number;
  _contextTokens: Token[];
  _nextTokenIndex: number;
  _resolveSamplerConfig(options: Sampling): object;
  _copyStateFromOtherSequence(other: LlamaContextSequence, upToTokenIndex: number): Promise<boolean>;
}
interface ModelInternals {
  _model: unknown;
  _llama: { _bindings: { AddonSampler: new (model: unknown) => AddonSampler } };
}

const contextOf = (context: LlamaContext) => context as unknown as ContextInternals;
const sequenceOf = (sequence: LlamaContextSequence) => sequence as unknown as SequenceInternals;
const modelOf = (model: LlamaModel) => model as unknown as ModelInternals;

/** What uses an internal: the prompt copy between sequences, or decode rounds inside the addon. */
export type Feature = 'promptCopy' | 'nativeRounds';

export interface Internal {
  feature: Feature;
  on: 'model' | 'context' | 'sequence';
  /** The member, and the members under it the engine reaches. */
  path: string[];
  kind: 'function' | 'number' | 'array' | 'object';
}

/** Every internal the engine uses, with the shape it expects. */
export const INTERNALS: readonly Internal[] = [
  { feature: 'promptCopy', on: 'sequence', path: ['_copyStateFromOtherSequence'], kind: 'function' },
  { feature: 'nativeRounds', on: 'context', path: ['_ctx'], kind: 'object' },
  { feature: 'nativeRounds', on: 'context', path: ['_backendContextDisposeGuard', 'createPreventDisposalHandle'], kind: 'function' },
  { feature: 'nativeRounds', on: 'sequence', path: ['_sequenceId'], kind: 'number' },
  { feature: 'nativeRounds', on: 'sequence', path: ['_contextTokens'], kind: 'array' },
  { feature: 'nativeRounds', on: 'sequence', path: ['_nextTokenIndex'], kind: 'number' },
  { feature: 'nativeRounds', on: 'sequence', path: ['_resolveSamplerConfig'], kind: 'function' },
  { feature: 'nativeRounds', on: 'model', path: ['_model'], kind: 'object' },
  { feature: 'nativeRounds', on: 'model', path: ['_llama', '_bindings', 'AddonSampler'], kind: 'function' },
];

export interface InternalsCheck {
  /** Whether the engine may copy a prompt's state between sequences. */
  promptCopy: boolean;
  /** Whether the members decode rounds inside the addon need are all there. */
  nativeRounds: boolean;
  /** Whether the loaded addon has generateRounds: only builds by engine/build-addon.sh or `deploy/gpu-node.sh build` do, so its absence is no drift. */
  addonRounds: boolean;
  /** The internals that are gone or changed shape. */
  missing: Internal[];
}

function kindOf(value: unknown): Internal['kind'] | 'missing' {
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'function') return 'function';
  if (typeof value === 'number') return 'number';
  return typeof value === 'object' && value !== null ? 'object' : 'missing';
}

/** Verifies every internal in INTERNALS on a loaded model, its context and one of its sequences. */
export function checkInternals(model: LlamaModel, context: LlamaContext, sequence: LlamaContextSequence): InternalsCheck {
  const owners = { model, context, sequence } as Record<Internal['on'], unknown>;
  const missing = INTERNALS.filter((i) => kindOf(i.path.reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], owners[i.on])) !== i.kind);
  const has = (feature: Feature) => !missing.some((i) => i.feature === feature);
  const nativeRounds = has('nativeRounds');
  return { promptCopy: has('promptCopy'), nativeRounds, addonRounds: nativeRounds && typeof contextOf(context)._ctx.generateRounds === 'function', missing };
}

/** The one line a drift (some internal in `check.missing`) is reported in. */
export function driftLine(check: InternalsCheck, version: string): string {
  const names = check.missing.map((i) => i.path.join('.')).join(', ');
  const fallbacks = [
    ...(check.promptCopy ? [] : ['each candidate evaluates its own prompt']),
    ...(check.nativeRounds ? [] : ["decoding through node-llama-cpp's token loop"]),
  ];
  return `engine: node-llama-cpp ${version} lacks ${names}; using its public path (${fallbacks.join('; ')}: slower, same answers)`;
}

/**
 * Makes `to` hold `from`'s first `length` tokens by llama.cpp's in-memory sequence copy; false if
 * it did not cover them. Only where checkInternals() found promptCopy.
 */
export function copyState(from: LlamaContextSequence, to: LlamaContextSequence, length: number): Promise<boolean> {
  return sequenceOf(to)._copyStateFromOtherSequence(from, length);
}

/** The sequence's id in its context (llama.cpp's seq_id). */
export function sequenceId(sequence: LlamaContextSequence): number {
  return sequenceOf(sequence)._sequenceId;
}

/** Where the sequence's next token goes in the KV cache. */
export function nextPosition(sequence: LlamaContextSequence): number {
  return sequenceOf(sequence)._nextTokenIndex;
}

/** Records tokens the addon fed on the sequence in node-llama-cpp's state, as its own loop would. */
export function recordFed(sequence: LlamaContextSequence, tokens: Token[]): void {
  const seq = sequenceOf(sequence);
  seq._contextTokens = seq._contextTokens.concat(tokens);
  seq._nextTokenIndex += tokens.length;
}

/** A native sampler with the settings node-llama-cpp's own loop would give this sequence. */
export function createSampler(model: LlamaModel, sequence: LlamaContextSequence, sampling: Sampling): AddonSampler {
  const m = modelOf(model);
  const sampler = new m._llama._bindings.AddonSampler(m._model);
  sampler.applyConfig(sequenceOf(sequence)._resolveSamplerConfig(sampling));
  return sampler;
}

/** Calls the addon's generateRounds (only where checkInternals() found addonRounds). */
export function generateRounds(context: LlamaContext, streams: AddonStream[], budgetMs: number): Promise<AddonRounds> {
  const native = contextOf(context)._ctx;
  return native.generateRounds!.call(native, streams, budgetMs);
}

/** Runs `fn` holding the lock node-llama-cpp takes around its own work on the context (batches, erasing). */
export function withContextLock<T>(context: LlamaContext, fn: () => Promise<T>): Promise<T> {
  return withLock([context, 'context'], fn);
}

/** Keeps the context's native side alive until the handle is disposed. */
export function preventDisposal(context: LlamaContext): { dispose(): void } {
  return contextOf(context)._backendContextDisposeGuard.createPreventDisposalHandle();
}

/**
 * For benchmarks: times the addon context's calls `names` (e.g. decodeBatch, sampleToken) by
 * putting a proxy in front of it; `add(name, ms)` receives each call's time.
 */
export function timeAddonCalls(context: LlamaContext, names: string[], add: (name: string, ms: number) => void): void {
  const ctx = contextOf(context);
  const native = ctx._ctx;
  const timed = Object.fromEntries(
    names.map((name) => {
      const fn = native[name];
      if (typeof fn !== 'function') throw new Error(`node-llama-cpp's addon context has no ${name}`);
      return [name, async (...args: unknown[]) => {
        const start = performance.now();
        try {
          return await fn.apply(native, args);
        } finally {
          add(name, performance.now() - start);
        }
      }];
    }),
  );
  ctx._ctx = new Proxy(native, {
    get: (o, k: string) => timed[k] ?? (typeof o[k] === 'function' ? (o[k] as (...a: unknown[]) => unknown).bind(o) : o[k]),
  });
}
