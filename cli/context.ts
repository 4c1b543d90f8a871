import type { Command } from 'commander';
import { loadConfig, type Config } from '../config/index.ts';

/** The validated config for a command, built once from the global `--config` option, the file and env. */
export function configFor(cmd: Command, overrides: Record<string, unknown> = {}): Config {
  const { config } = cmd.optsWithGlobals<{ config?: string }>();
  return loadConfig({ file: config, overrides });
}
