export { startAdminServer, adminPassword, AdminConfigError, type AdminServer } from './server.ts';
export { health, storeProbe, type HealthReport, type Probe } from './health.ts';
export { seededRandom } from './demo-data.ts';
export { percentile } from './stats.ts';
