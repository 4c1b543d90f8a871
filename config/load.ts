import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { configSchema, type Config } from './schema.ts';

export class ConfigError extends Error {}

/** Well-known variables users already have, mapped onto config paths. */
const ENV_ALIASES: Record<string, string> = {
  CHROMA_URL: 'chroma.url',
  DATABASE_URL: 'store.url',
  REDIS_URL: 'queue.url',
  SLACK_BOT_TOKEN: 'slack.botToken',
  SLACK_SIGNING_SECRET: 'slack.signingSecret',
  SLACK_APP_TOKEN: 'slack.appToken',
  DISCORD_TOKEN: 'discord.token',
  DISCORD_APPLICATION_ID: 'discord.applicationId',
};

/** Keys that moved or went, and what a config that still sets one is told. */
const MOVED: Record<string, string> = {
  'agent.threads': 'engine.threads',
  'agent.nativeDecode': 'engine.nativeDecode',
  'agent.kvUnified': 'engine.kvUnified',
  'agent.backendTopK': 'engine.backendTopK',
  'distill.threads': 'engine.jobThreads',
};
const RETIRED: Record<string, string> = {
  ...Object.fromEntries(Object.entries(MOVED).map(([old, now]) => [old, `${old} moved to ${now}`])),
  'agent.batchedDecode': 'agent.batchedDecode was removed (candidates always decode in shared batches)',
};

/** `agent.maxSteps` <-> `UNDERSTUDY_AGENT_MAX_STEPS`. */
export function envNameFor(pathKey: string): string {
  return 'UNDERSTUDY_' + pathKey.split('.').map((p) => p.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()).join('_');
}

function leafPaths(schema: z.ZodTypeAny, prefix = ''): string[] {
  let s: z.ZodTypeAny = schema;
  while (s instanceof z.ZodDefault || s instanceof z.ZodOptional) s = s._def.innerType;
  if (!(s instanceof z.ZodObject)) return [prefix];
  return Object.entries(s.shape as Record<string, z.ZodTypeAny>).flatMap(([k, v]) => leafPaths(v, prefix ? `${prefix}.${k}` : k));
}

/** Every variable the configuration is read from: the file's, one per key, and the well-known aliases. */
export function configEnvNames(): string[] {
  return ['UNDERSTUDY_CONFIG', ...leafPaths(configSchema).map(envNameFor), ...Object.keys(ENV_ALIASES)];
}

function setPath(target: Record<string, unknown>, dotted: string, value: unknown): void {
  const keys = dotted.split('.');
  let node = target;
  for (const k of keys.slice(0, -1)) {
    if (typeof node[k] !== 'object' || node[k] === null) node[k] = {};
    node = node[k] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]!] = value;
}

/** Numbers and booleans arrive as strings in env vars; JSON gives them their type back. */
function parseEnvValue(raw: string): unknown {
  try {
    const v: unknown = JSON.parse(raw);
    return typeof v === 'string' ? raw : v;
  } catch {
    return raw;
  }
}

function readFileConfig(file: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new ConfigError(`cannot read config file ${file}: ${(e as Error).message}`);
  }
}

function formatIssues(error: z.ZodError, sources: Map<string, string>): string {
  const line = (key: string, message: string) => `  ${key || '(root)'} (from ${sources.get(key) ?? 'config'}): ${message}`;
  return error.issues
    .flatMap((i) => {
      const key = i.path.join('.');
      if (i.code !== 'unrecognized_keys') return [line(key, i.message)];
      // A retired key gets its own line saying where it went; other unknown keys keep zod's.
      const full = (k: string) => (key ? `${key}.${k}` : k);
      const retired = i.keys.filter((k) => RETIRED[full(k)]);
      const unknown = i.keys.filter((k) => !RETIRED[full(k)]);
      return [
        ...retired.map((k) => line(full(k), RETIRED[full(k)]!)),
        ...(unknown.length ? [line(key, `Unrecognized key(s) in object: ${unknown.map((k) => `'${k}'`).join(', ')}`)] : []),
      ];
    })
    .join('\n');
}

/**
 * Builds the config from defaults, then the JSON config file (`--config`, UNDERSTUDY_CONFIG or
 * ./understudy.config.json), then environment variables; validates it once.
 */
export function loadConfig(opts: { file?: string; env?: NodeJS.ProcessEnv; overrides?: Record<string, unknown> } = {}): Config {
  const env = opts.env ?? process.env;
  const file = opts.file ?? env.UNDERSTUDY_CONFIG ?? (existsSync('understudy.config.json') ? 'understudy.config.json' : undefined);
  const raw: Record<string, unknown> = file ? readFileConfig(path.resolve(file)) : {};
  const sources = new Map<string, string>();
  for (const leaf of [...leafPaths(configSchema), ...Object.keys(RETIRED)]) sources.set(leaf, file ?? 'defaults');

  for (const leaf of leafPaths(configSchema)) {
    const name = envNameFor(leaf);
    if (env[name] !== undefined && env[name] !== '') {
      setPath(raw, leaf, parseEnvValue(env[name]!));
      sources.set(leaf, `$${name}`);
    }
  }
  // A retired key's variable is no leaf any more: it is set where it was, to be rejected with its new place.
  for (const old of Object.keys(RETIRED)) {
    const name = envNameFor(old);
    if (env[name] !== undefined && env[name] !== '') {
      setPath(raw, old, parseEnvValue(env[name]!));
      sources.set(old, `$${name}`);
    }
  }
  for (const [name, leaf] of Object.entries(ENV_ALIASES)) {
    if (env[name]) {
      setPath(raw, leaf, env[name]);
      sources.set(leaf, `$${name}`);
    }
  }
  for (const [leaf, value] of Object.entries(opts.overrides ?? {})) {
    if (value !== undefined) {
      setPath(raw, leaf, value);
      sources.set(leaf, 'command line');
    }
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(`invalid configuration:\n${formatIssues(parsed.error, sources)}`);
  return parsed.data;
}
