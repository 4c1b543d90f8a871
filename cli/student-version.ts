import type { Config } from '../config/index.ts';
import { currentStudentVersion } from '../training/index.ts';

/**
 * The student serves the registry's promoted adapter unless the config names one explicitly.
 * Read at start: a process started after `models promote` serves the new version.
 */
export function withPromotedStudent(config: Config): Config {
  if (config.models.studentAdapter) return config;
  const { adapterPath } = currentStudentVersion(config);
  return adapterPath ? { ...config, models: { ...config.models, studentAdapter: adapterPath } } : config;
}
