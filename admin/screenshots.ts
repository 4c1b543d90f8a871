// Renders the README's screenshots from seeded demo data: `node --import tsx admin/screenshots.ts [dir]`.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot, loadConfig } from '../config/index.ts';
import { SqliteLogStore } from '../store/index.ts';
import { launchChromium } from './chromium.ts';
import { seedDemo } from './demo-data.ts';
import { startAdminServer } from './server.ts';

const outDir = path.resolve(process.argv[2] ?? path.join(repoRoot, 'docs', 'screenshots'));
mkdirSync(outDir, { recursive: true });

let seedTime: number | null = Date.now();
const store = new SqliteLogStore(path.join(mkdtempSync(path.join(tmpdir(), 'understudy-shots-')), 'understudy.db'), { now: () => new Date(seedTime ?? Date.now()) });
await seedDemo(store, { set: (ms) => void (seedTime = ms) }, { days: 14, perDay: 10 });
seedTime = null;
const password = 'screenshots-only';
const server = await startAdminServer(loadConfig({ env: {}, overrides: { 'admin.password': password, 'admin.port': 0 } }), store);
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 }, deviceScaleFactor: 1 });
  await page.goto(`${server.url}/login`);
  await page.fill('input[name=user]', 'ana');
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
  await page.waitForSelector('body[data-charts-ready=true]');
  await page.screenshot({ path: path.join(outDir, 'dashboard.png'), fullPage: true });

  // A question the student failed and the teacher answered: both trajectories side by side.
  const { items } = await store.listQuestions({ route: 'teacher', reason: 'low_agreement' }, { offset: 0, limit: 1 });
  await page.goto(`${server.url}/questions/${items[0]!.id}`);
  await page.$$eval('details.candidates', (ds) => ds.slice(0, 1).forEach((d) => d.setAttribute('open', '')));
  await page.screenshot({ path: path.join(outDir, 'trajectory.png'), fullPage: true });
  console.log(`wrote ${path.join(outDir, 'dashboard.png')} and trajectory.png`);
} finally {
  await browser.close();
  await server.close();
  await store.close();
}
