/** The distillation pipeline (it writes model versions through models/'s registry). */
export { runDistill, type DistillOptions, type DistillResult } from './distill.ts';
export { buildSet, collectExamples } from './build.ts';
export { bootstrap, BootstrapError, type BootstrapSummary } from './bootstrap.ts';
export { generate, NoTeacherError, type GeneratedRecord } from './generate.ts';
export { gate, decide, studentConfig, type EvalSummary, type GateReport } from './gate.ts';
export { parseCron, nextRun, schedule, CronError } from './cron.ts';
export { readQuestions, type PoolQuestion } from './questions.ts';
export { solutionTrajectory } from './solutions.ts';
export { KINDS } from './bootstrap-plan.ts';
