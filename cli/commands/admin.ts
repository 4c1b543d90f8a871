import type { Command } from 'commander';
import { adminPassword, startAdminServer } from '../../admin/index.ts';
import { openStore } from '../../store/index.ts';
import { configFor } from '../context.ts';

export function adminCommand(program: Command): void {
  program
    .command('admin')
    .description('serve the admin web UI alone (needs UNDERSTUDY_ADMIN_PASSWORD): review conversations, curate trajectories, dashboard, /metrics, /healthz')
    .option('--port <n>', 'port (default: admin.port)', (v) => Number(v))
    .option('--host <h>', 'address to listen on (default: admin.host)')
    .action(async (opts: { port?: number; host?: string }, cmd: Command) => {
      const config = configFor(cmd, { 'admin.port': opts.port, 'admin.host': opts.host });
      adminPassword(config); // fail before touching the store
      const store = await openStore(config);
      const server = await startAdminServer(config, store).catch(async (e: unknown) => {
        await store.close();
        throw e;
      });
      console.log(`admin UI on ${server.url} (Ctrl-C to stop)`);
      const stop = async () => {
        await server.close();
        await store.close();
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
