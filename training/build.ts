import type { Config } from '../config/index.ts';
import type { LogStore } from '../store/types.ts';
import { collectFromGenerated, collectFromStore, dedupe } from './collect.ts';
import type { Example } from './example.ts';
import { filterExamples, type FilterReport } from './filter.ts';
import { studentPrompt } from './prompts.ts';
import { writeSftSet, type SftManifest, type SftRecord } from './sft-set.ts';

export interface CollectOptions {
  store?: LogStore;
  /** Cache files of `understudy distill generate`. */
  generated?: string[];
  /** Only store trajectories logged since (ISO time). */
  since?: string;
}

/** Store trajectories (by policy) plus generated ones, de-duplicated and filtered. */
export async function collectExamples(config: Config, o: CollectOptions): Promise<{ kept: Example[]; collected: number; filter: FilterReport }> {
  const collected = dedupe([
    ...(o.store ? await collectFromStore(o.store, config, o.since) : []),
    ...(o.generated ?? []).flatMap((f) => collectFromGenerated(f)),
  ]);
  const { kept, report } = filterExamples(collected, config.agent.maxSteps);
  return { kept, collected: collected.length, filter: report };
}

/** collectExamples, then the SFT set in `dir` (what `distill build` writes for an off-machine trainer). */
export async function buildSet(config: Config, o: CollectOptions & { dir: string; replay?: SftRecord[] }): Promise<{ kept: Example[]; filter: FilterReport; dataset: SftManifest }> {
  const { kept, filter } = await collectExamples(config, o);
  const dataset = writeSftSet(kept, { dir: o.dir, systemPrompt: studentPrompt(config), heldOutShare: config.distill.heldOutShare, replay: o.replay });
  return { kept, filter, dataset };
}
