export { startAdminServer, AdminConfigError, type AdminServer } from './server.ts';
export type { Probe } from './health.ts';
