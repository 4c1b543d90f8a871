import type { Command } from 'commander';
import { manifest, resolveModel } from '../../models/index.ts';
import { configFor } from '../context.ts';
import { addVersionCommands } from './model-versions.ts';

export function modelsCommand(program: Command): void {
  const models = program.command('models').description('default models and the student versions');
  models
    .command('check')
    .description('verify the configured student, teacher and embedding models (sha256 for manifest models)')
    .action(async (_opts, cmd: Command) => {
      const config = configFor(cmd);
      for (const role of ['student', 'teacher', 'embedding'] as const) {
        const ref = config.models[role];
        console.log(`${role}: ${ref} -> ${await resolveModel(config, ref)} (ok)`);
      }
    });
  models
    .command('manifest')
    .description('list the default models shipped through PyPI packages')
    .action(() => {
      for (const [name, m] of Object.entries(manifest())) {
        console.log(`${name.padEnd(10)} ${m.file}  ${(m.size / 1e6).toFixed(0)} MB  ${m.licence}  ${m.description}`);
      }
    });
  addVersionCommands(models);
}
