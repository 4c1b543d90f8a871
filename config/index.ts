export { configSchema, type Config, type ConfigInput } from './schema.ts';
export { loadConfig, envNameFor, configEnvNames, ConfigError } from './load.ts';
export { repoRoot, cacheDir, dataDir, modelCacheDir, venvPython } from './paths.ts';
export { alive } from './pid.ts';
