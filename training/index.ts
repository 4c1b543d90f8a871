/** The distillation pipeline and the student model registry. */
export { runDistill, type DistillOptions, type DistillResult } from './distill.ts';
export { buildSet, collectExamples } from './build.ts';
export { bootstrap, BootstrapError, type BootstrapSummary } from './bootstrap.ts';
export { generate, NoTeacherError, type GeneratedRecord } from './generate.ts';
export { gate, decide, studentConfig, type EvalSummary, type GateReport } from './gate.ts';
export { currentStudentVersion, watchStudentVersion, listVersions, promote, rollback, RegistryError, type StudentVersion, type VersionManifest } from './registry.ts';
export { parseCron, nextRun, schedule, CronError } from './cron.ts';
export { readQuestions, type PoolQuestion } from './questions.ts';
