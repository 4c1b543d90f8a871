import type { ChatTurn, GenerateOptions, Generation } from '../engine/index.ts';

export { cutAtStop, type ChatTurn, type GenerateOptions, type Generation } from '../engine/index.ts';

/** What the agent loop needs from a model, the local one (engine/) or the teacher (langchain). */
export interface ActionModel {
  readonly name: string;
  readonly adapter: string | null;
  generate(turns: ChatTurn[], opts: GenerateOptions): Promise<Generation>;
}
