import type { Config } from '../config/index.ts';

/** The config of the job's own model runs: `distill.threads`, when set, is the job host's llama.cpp thread count. */
export function jobConfig(config: Config): Config {
  return { ...config, agent: { ...config.agent, threads: config.distill.threads || config.agent.threads } };
}
