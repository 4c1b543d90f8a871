import type { Command } from 'commander';
import { envNameFor } from '../../config/index.ts';
import { configFor } from '../context.ts';

function redact(value: unknown, key: string): unknown {
  return /token|secret|password|apiKey/i.test(key) && typeof value === 'string' ? '***' : value;
}

function flatten(obj: Record<string, unknown>, prefix = ''): [string, unknown][] {
  return Object.entries(obj).flatMap(([k, v]) => {
    const key = prefix ? `${prefix}.${k}` : k;
    return v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length > 0 && k !== 'channels'
      ? flatten(v as Record<string, unknown>, key)
      : [[key, redact(v, k)] as [string, unknown]];
  });
}

export function configCommand(program: Command): void {
  program
    .command('config')
    .description('validate the configuration and print it (secrets redacted) with the env var for each key')
    .action((_opts, cmd: Command) => {
      const { engine, ...settings } = configFor(cmd);
      const print = (obj: Record<string, unknown>, prefix = '') => {
        for (const [key, value] of flatten(obj, prefix)) console.log(`${key} = ${JSON.stringify(value)}  (${envNameFor(key)})`);
      };
      print(settings);
      console.log('# engine tuning: knobs for whoever measures a host (docs/engine.md)');
      print(engine, 'engine');
    });
}
