import type { Config } from '../config/index.ts';

/** The config of the job's own model runs: `engine.jobThreads`, when set, is the job host's llama.cpp thread count. */
export function jobConfig(config: Config): Config {
  return { ...config, engine: { ...config.engine, threads: config.engine.jobThreads || config.engine.threads } };
}
