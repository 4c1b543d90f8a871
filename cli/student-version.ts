import type { Config } from '../config/index.ts';
import { currentStudentVersion } from '../models/index.ts';

/**
 * The student serves the registry's promoted adapter unless the config names one explicitly.
 * Read once, for one-shot commands (`ask`, `eval`); `serve` and `chat` follow the registry while
 * they run (hot-student.ts).
 */
export function withPromotedStudent(config: Config): Config {
  if (config.models.studentAdapter) return config;
  const { adapterPath } = currentStudentVersion(config);
  return adapterPath ? { ...config, models: { ...config.models, studentAdapter: adapterPath } } : config;
}
