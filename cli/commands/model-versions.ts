import type { Command } from 'commander';
import { currentStudentVersion, listVersions, promote, rollback } from '../../models/index.ts';
import { openStore } from '../../store/index.ts';
import { configFor } from '../context.ts';

function accuracy(report: unknown): string {
  const r = report as { current?: { accuracy: number }; candidate?: { accuracy: number } } | null;
  if (!r?.candidate || !r.current) return '';
  return `acc ${(r.current.accuracy * 100).toFixed(1)}% -> ${(r.candidate.accuracy * 100).toFixed(1)}%`;
}

/** `models list | promote V | rollback`: the student versions the nightly job produced. */
export function addVersionCommands(models: Command): void {
  models
    .command('list')
    .description('list the student versions (adapters) and which one serves')
    .action((_opts, cmd: Command) => {
      const config = configFor(cmd);
      const current = currentStudentVersion(config).version;
      console.log(`${current === null ? '*' : ' '} base      (the student without an adapter)`);
      for (const v of listVersions(config)) {
        console.log(`${v.version === current ? '*' : ' '} ${v.version.padEnd(9)} ${v.status.padEnd(11)} ${v.createdAt}  data ${v.datasetHash ?? '-'}  ${accuracy(v.evalReport)}`);
      }
    });
  models
    .command('promote')
    .argument('<version>', 'a version from `models list`')
    .description('serve this version (running serve and chat switch to it between questions; other commands read it at start)')
    .action(async (version: string, _opts, cmd: Command) => {
      const config = configFor(cmd);
      const store = await openStore(config);
      try {
        await promote(config, version, store);
      } finally {
        await store.close();
      }
      console.log(`serving ${version}`);
    });
  models
    .command('rollback')
    .description('go back to the version served before the current one')
    .action(async (_opts, cmd: Command) => {
      const config = configFor(cmd);
      const store = await openStore(config);
      try {
        const now = await rollback(config, store);
        console.log(`serving ${now.version ?? 'base'}`);
      } finally {
        await store.close();
      }
    });
}
