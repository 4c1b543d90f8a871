import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { loadConfig, repoRoot } from '../../config/index.ts';
import { promote, rollback, saveManifest, versionDir } from '../../models/index.ts';

/** A process watching the registry, and the lines it printed so far. */
function watcher(dataDir: string): { proc: ChildProcess; lines: string[] } {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'tests/models/fixtures/watch-version.ts'], {
    cwd: repoRoot,
    env: { ...process.env, UNDERSTUDY_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  let rest = '';
  proc.stdout!.on('data', (d: Buffer) => {
    const parts = (rest + d.toString()).split('\n');
    rest = parts.pop()!;
    lines.push(...parts);
  });
  return { proc, lines };
}

const until = async (what: string, cond: () => boolean, ms = 15_000) => {
  const deadline = Date.now() + ms;
  while (!cond()) {
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
};

test('a promotion and a rollback in one process reach every process serving from the same data dir', async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'understudy-registry-'));
  const config = loadConfig({ env: {}, overrides: { dataDir } });
  const workers = [watcher(dataDir), watcher(dataDir)];
  try {
    await until('both processes to watch', () => workers.every((w) => w.lines.includes('watching')));
    const dir = versionDir(config, 'v1');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'adapter.gguf'), 'not read by the watchers');
    await saveManifest(config, {
      version: 'v1', baseModel: 'student', adapterPath: path.join(dir, 'adapter.gguf'), datasetHash: 'h', evalReport: null,
      status: 'candidate', createdAt: new Date().toISOString(), promotedAt: null,
    });

    await promote(config, 'v1');
    const promoted = JSON.stringify({ version: 'v1', adapterPath: path.join(dir, 'adapter.gguf') });
    await until('both processes to see v1', () => workers.every((w) => w.lines.includes(promoted)));

    await rollback(config);
    const base = JSON.stringify({ version: null, adapterPath: null });
    await until('both processes to see the rollback', () => workers.every((w) => w.lines.includes(base)));
  } finally {
    for (const w of workers) w.proc.kill();
  }
});
