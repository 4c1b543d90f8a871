import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../admin/chromium.ts';
import { PASSWORD, startHarness, type Harness } from './fixtures.ts';

let h: Harness;
let browser: Browser;
before(async () => {
  [h, browser] = await Promise.all([startHarness({ days: 7, perDay: 6 }), launchChromium()]);
});
after(async () => {
  await browser?.close();
  await h?.close();
});

/** Fails the test on any console error or CSP violation the page reports. */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

test('in Chromium: sign in, filter, open a trajectory, edit and approve it; the store changes', async () => {
  const page = await browser.newPage();
  const errors = watchErrors(page);
  await page.goto(`${h.server.url}/questions`);
  assert.match(page.url(), /\/login\?next=%2Fquestions$/);
  await page.fill('input[name=user]', 'grace');
  await page.fill('input[name=password]', PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForURL(/\/questions$/);

  await page.selectOption('select[name=route]', 'teacher');
  await page.selectOption('select[name=curation]', 'pending');
  await page.click('form.filters button[type=submit]');
  await page.waitForURL(/route=teacher/);
  const expected = await h.store.listQuestions({ route: 'teacher', curation: 'pending' }, { offset: 0, limit: 1 });
  assert.ok(expected.total > 0);
  assert.equal(await page.textContent('h1 small'), `${expected.total} matching`);
  const target = expected.items[0]!;

  await page.click(`a[href="/questions/${target.id}"]`);
  await page.waitForURL(new RegExp(`/questions/${target.id}$`));
  assert.equal(await page.textContent('.question-text'), target.text);
  assert.equal(await page.locator('article.trajectory').count(), 2, 'student and teacher side by side');
  const [left, right] = await Promise.all(['student', 'teacher'].map((r) => page.locator(`article[data-role=${r}]`).boundingBox()));
  assert.ok(left!.x < right!.x && Math.abs(left!.y - right!.y) < 2, 'the two columns sit next to each other');

  const teacher = page.locator('article[data-role=teacher]');
  await teacher.locator('textarea[name=editedAnswer]').fill('Approved after review: see the handbook.');
  await teacher.locator('button[value=approved]').click();
  await page.waitForURL(/done=approved/);
  assert.equal(await page.textContent('.flash'), 'Trajectory approved.');
  assert.equal(await teacher.locator('.curate .badge').textContent(), 'approved');

  const t = (await h.store.getQuestion(target.id))!.trajectories.find((x) => x.role === 'teacher')!;
  assert.deepEqual([t.curation, t.editedAnswer, t.curatedBy], ['approved', 'Approved after review: see the handbook.', 'grace']);
  assert.deepEqual(errors, []);
  await page.close();
});

test('in Chromium: the dashboard draws its six charts under the strict CSP', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(`${h.server.url}/login`);
  await page.fill('input[name=user]', 'grace');
  await page.fill('input[name=password]', PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForSelector('body[data-charts-ready=true]');
  const drawn = await page.$$eval('canvas', (cs) => cs.map((c) => (c as HTMLCanvasElement).width > 0 && !!(window as unknown as { Chart: { getChart(c: unknown): unknown } }).Chart.getChart(c)));
  assert.deepEqual(drawn, [true, true, true, true, true, true]);
  assert.deepEqual(errors, []);

  await page.click('button:has-text("Sign out")');
  await page.waitForURL(/\/login$/);
  await page.goto(`${h.server.url}/`);
  assert.match(page.url(), /\/login/);
  await context.close();
});
