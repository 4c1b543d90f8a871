export { startAdminServer, adminPassword, AdminConfigError, type AdminServer } from './server.ts';
export type { Probe } from './health.ts';
