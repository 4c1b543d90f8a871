import type { Config } from '../config/index.ts';
import type { LogStore } from '../store/index.ts';
import { collectFromBootstrap, collectFromGenerated, collectFromStore, dedupe } from './collect.ts';
import type { Example } from './example.ts';
import { filterExamples, type FilterReport } from './filter.ts';
import { studentPrompt } from './prompts.ts';
import { writeSftSet, type SftManifest, type SftRecord } from './sft-set.ts';

export interface CollectOptions {
  store?: LogStore;
  /** Cache files of `understudy distill generate`, each `FILE` or `SOURCE=FILE` (counted under SOURCE, default `generated`), besides `distill.generated`. */
  generated?: string[];
  /** Only store trajectories logged since (ISO time). */
  since?: string;
}

/** `[source, file]` of each generated file: the configured ones, then `SOURCE=FILE` or `FILE` arguments. */
function generatedFiles(config: Config, args: string[]): [string, string][] {
  const configured = Object.entries(config.distill.generated).flatMap(([source, files]) => files.map((f): [string, string] => [source, f]));
  const given = args.map((a): [string, string] => {
    const m = /^([\w.-]+)=(.+)$/.exec(a);
    return m ? [m[1]!, m[2]!] : ['generated', a];
  });
  return [...configured, ...given];
}

/** Store trajectories (by policy), bootstrap and generated ones, de-duplicated and filtered. */
export async function collectExamples(config: Config, o: CollectOptions): Promise<{ kept: Example[]; collected: number; filter: FilterReport }> {
  const collected = dedupe([
    ...(o.store ? await collectFromStore(o.store, config, o.since) : []),
    ...collectFromBootstrap(config),
    ...generatedFiles(config, o.generated ?? []).flatMap(([source, file]) => collectFromGenerated(file, source)),
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
