import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { AIMessage, HumanMessage, SystemMessage, type BaseMessage } from '@langchain/core/messages';
import type { Config } from '../config/index.ts';
import { ChatLlamaCpp } from './langchain-local.ts';
import { cutAtStop, type ActionModel, type ChatTurn, type GenerateOptions, type Generation } from './llm.ts';
import { LocalModel } from '../engine/index.ts';

/** The teacher could not be reached (timeout, 429, 5xx, refused connection): the router falls back. */
export class TeacherUnavailableError extends Error {}

export interface Teacher {
  chat: BaseChatModel;
  name: string;
  close(): Promise<void>;
}

/** The langchain chat model `teacher.provider` names; null for 'none'. */
export async function createTeacher(config: Config): Promise<Teacher | null> {
  const t = config.teacher;
  const common = { maxRetries: 0, timeout: t.timeoutMs };
  const maxTokens = config.agent.maxTokensPerStep;
  switch (t.provider) {
    case 'none':
      return null;
    case 'local': {
      const llama = await LocalModel.load(config, { model: config.models.teacher, sequences: 1 });
      return { chat: new ChatLlamaCpp({ model: llama, maxTokens }), name: config.models.teacher, close: () => llama.close() };
    }
    case 'openai': {
      const { ChatOpenAI } = await import('@langchain/openai');
      const model = t.model ?? 'gpt-4o-mini';
      const chat = new ChatOpenAI({
        ...common,
        model,
        temperature: 0,
        maxTokens,
        apiKey: t.apiKey ?? process.env.OPENAI_API_KEY ?? 'not-needed',
        configuration: t.baseUrl ? { baseURL: t.baseUrl } : {},
      });
      return { chat, name: `openai:${model}`, close: async () => {} };
    }
    case 'anthropic': {
      const { ChatAnthropic } = await import('@langchain/anthropic');
      const model = t.model ?? 'claude-sonnet-4-5';
      const chat = new ChatAnthropic({
        maxRetries: 0,
        model,
        temperature: 0,
        maxTokens,
        ...(t.apiKey ? { apiKey: t.apiKey } : {}),
        ...(t.baseUrl ? { anthropicApiUrl: t.baseUrl } : {}),
        clientOptions: { timeout: t.timeoutMs },
      });
      return { chat, name: `anthropic:${model}`, close: async () => {} };
    }
    case 'ollama': {
      const { ChatOllama } = await import('@langchain/ollama');
      const model = t.model ?? 'qwen2.5-coder:7b';
      const chat = new ChatOllama({ model, temperature: 0, numPredict: maxTokens, baseUrl: t.baseUrl ?? 'http://127.0.0.1:11434', maxRetries: 0 });
      return { chat, name: `ollama:${model}`, close: async () => {} };
    }
  }
}

function toMessages(turns: ChatTurn[]): BaseMessage[] {
  return turns.map((t) => (t.role === 'system' ? new SystemMessage(t.content) : t.role === 'user' ? new HumanMessage(t.content) : new AIMessage(t.content)));
}

/**
 * Calls the teacher with a hard deadline. A trailing assistant turn (the prefix) is sent as a
 * partial AI message: llama.cpp servers, vLLM, Anthropic, Ollama and the local model continue it.
 */
export async function invokeTeacher(
  teacher: Teacher,
  turns: ChatTurn[],
  opts: { stop?: string[]; timeoutMs: number; signal?: AbortSignal },
): Promise<{ text: string; promptTokens: number; completionTokens: number; ms: number }> {
  const signals = [AbortSignal.timeout(opts.timeoutMs), ...(opts.signal ? [opts.signal] : [])];
  const t0 = performance.now();
  try {
    const msg = await teacher.chat.invoke(toMessages(turns), { stop: opts.stop, signal: AbortSignal.any(signals) });
    const text = cutAtStop(msg.text, opts.stop ?? []).text;
    const usage = msg.usage_metadata;
    return { text, promptTokens: usage?.input_tokens ?? 0, completionTokens: usage?.output_tokens ?? 0, ms: performance.now() - t0 };
  } catch (e) {
    if (opts.signal?.aborted) throw e;
    throw new TeacherUnavailableError(`the teacher (${teacher.name}) is unavailable: ${describe(e)}`, { cause: e });
  }
}

function describe(e: unknown): string {
  const err = e as { name?: string; status?: number; message?: string; code?: string; cause?: { code?: string } };
  if (err?.name === 'TimeoutError' || err?.name === 'AbortError' || /timed? ?out|aborted/i.test(err?.message ?? '')) return 'timed out';
  if (err?.status) return `HTTP ${err.status}`;
  return err?.cause?.code ?? err?.code ?? err?.message ?? String(e);
}

/** The teacher as the agent loop's model: one candidate per step. */
export class TeacherActionModel implements ActionModel {
  readonly adapter = null;
  constructor(
    private readonly teacher: Teacher,
    private readonly timeoutMs: number,
  ) {}

  get name(): string {
    return this.teacher.name;
  }

  async generate(turns: ChatTurn[], opts: GenerateOptions): Promise<Generation> {
    const all = opts.prefix ? [...turns, { role: 'assistant' as const, content: opts.prefix }] : turns;
    const r = await invokeTeacher(this.teacher, all, { stop: opts.stop, timeoutMs: this.timeoutMs, signal: opts.signal });
    return { texts: [r.text], promptTokens: r.promptTokens, completionTokens: r.completionTokens, prefillMs: 0, decodeMs: r.ms };
  }
}
