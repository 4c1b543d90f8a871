// deploy/compose.yaml checked against the project it deploys: the CLI's commands and flags, the
// config's variables and defaults, the Dockerfile's targets and args, deploy/.env.example.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { Command } from 'commander';
import { parse } from 'yaml';
import { createProgram } from '../../cli/program.ts';
import { configEnvNames, loadConfig, repoRoot, type Config } from '../../config/index.ts';
import { parseCron } from '../../training/index.ts';

interface Service {
  image?: string;
  build?: { context: string; target: string; args?: Record<string, string> };
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  profiles?: string[];
  deploy?: { resources?: { reservations?: { devices?: { driver: string; count: string; capabilities: string[] }[] } } };
}

const read = (file: string) => readFileSync(path.join(repoRoot, file), 'utf8');
const raw = parse(read('deploy/compose.yaml'), { merge: true }) as { name: string; services: Record<string, Service>; volumes: Record<string, unknown> };
const example: Record<string, string> = Object.fromEntries(
  read('deploy/.env.example').split('\n').filter((l) => /^[A-Z_][A-Z0-9_]*=/.test(l)).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
);

/** Compose's interpolation of `${X}`, `${X:-default}`, `${X:?error}` (and `$$`), noting each variable and which are required. */
const used = new Set<string>();
const required = new Set<string>();
function interpolate<T>(node: T, env: Record<string, string>): T {
  if (typeof node === 'string') {
    return node.replace(/\$\$|\$\{([A-Z_][A-Z0-9_]*)(?::([-?])([^}]*))?\}/g, (_m, name: string | undefined, op: string | undefined, arg: string) => {
      if (!name) return '$';
      used.add(name);
      if (op === '?') required.add(name);
      return env[name] || (op === '-' ? arg : '');
    }) as T;
  }
  if (Array.isArray(node)) return node.map((n) => interpolate(n, env)) as T;
  if (node && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, interpolate(v, env)])) as T;
  return node;
}
// The example with its blanks filled, as an operator's deploy/.env would be.
const env = { ...example, POSTGRES_PASSWORD: 'a-db-password', UNDERSTUDY_ADMIN_PASSWORD: 'an-admin-password' };
const { services, volumes } = interpolate(raw, env);
/** Our own services: built from this repository's Dockerfile. */
const ours = Object.entries(services).filter(([, s]) => s.build);

/** The Dockerfile's stages: their args and UNDERSTUDY_DATA_DIR. */
const stages = new Map<string, { args: Set<string>; dataDir?: string }>();
for (const block of read('Dockerfile').split(/^(?=FROM )/m).filter((b) => b.startsWith('FROM'))) {
  const name = /^FROM \S+ AS (\S+)/.exec(block)?.[1];
  if (!name) continue;
  stages.set(name, { args: new Set([...block.matchAll(/^ARG (\w+)/gm)].map((m) => m[1]!)), dataDir: /UNDERSTUDY_DATA_DIR=(\S+)/.exec(block)?.[1] });
}

const program = createProgram();
/** What is wrong with running `understudy ...args` (a subcommand path, then options), or nothing. */
function cliProblems(args: string[]): string[] {
  let cmd: Command = program;
  let i = 0;
  for (; i < args.length && !args[i]!.startsWith('-'); i++) {
    const sub = cmd.commands.find((c) => c.name() === args[i]);
    if (!sub) return [`\`understudy ${args.slice(0, i + 1).join(' ')}\` is no command`];
    cmd = sub;
  }
  const problems: string[] = [];
  for (; i < args.length; i++) {
    const opt = cmd.options.find((o) => o.long === args[i] || o.short === args[i]);
    if (!opt) {
      problems.push(`\`understudy ${cmd.name()}\` has no option ${args[i]}`);
      if (args[i + 1] && !args[i + 1]!.startsWith('-')) i++;
      continue;
    }
    if (!opt.required && !opt.optional) continue;
    const value = args[++i];
    if (value === undefined) problems.push(`${args[i - 1]} needs a value`);
    else if (opt.argChoices && !opt.argChoices.includes(value)) problems.push(`${opt.long} ${value} is not one of ${opt.argChoices.join(', ')}`);
  }
  return problems;
}

/** The configuration a service's environment gives (with the image's own defaults). */
const configOf = (s: Service): Config => loadConfig({ env: { ...s.environment } });

test('every service is there, pinned, health-checked, and waits for the health of what it depends on', () => {
  assert.equal(raw.name, 'understudy');
  assert.deepEqual(Object.keys(services).sort(), ['admin', 'bots', 'chroma', 'postgres', 'redis', 'worker', 'worker-gpu']);
  const problems: string[] = [];
  for (const [name, s] of Object.entries(services)) {
    if (!s.image || /:latest$|^[^:]+$/.test(s.image)) problems.push(`${name}: image ${s.image} is not pinned`);
    if (!s.healthcheck?.test?.length) problems.push(`${name}: no health check`);
    for (const [dep, { condition }] of Object.entries(s.depends_on ?? {})) {
      if (!services[dep]) problems.push(`${name}: depends on a service ${dep} that does not exist`);
      else if (condition !== 'service_healthy') problems.push(`${name}: waits for ${dep} to be ${condition}, not healthy`);
      else if (!services[dep].healthcheck) problems.push(`${name}: waits for ${dep}'s health, which has no check`);
    }
  }
  assert.deepEqual(problems, []);
  assert.equal(services.chroma!.image, `chromadb/chroma:${/^chromadb==(\S+)/m.exec(read('deploy/requirements.txt'))![1]}`, 'Chroma\'s server is the version of the pinned Python client');
  assert.deepEqual(services.redis!.command!.slice(1, 3), ['--appendonly', 'yes']);
});

test('our services run commands and flags the CLI has, from Dockerfile targets and args that exist', () => {
  const problems: string[] = [];
  for (const [name, s] of ours) {
    if (s.build!.context !== '..') problems.push(`${name}: builds from ${s.build!.context}, not the repository`);
    const stage = stages.get(s.build!.target);
    if (!stage) problems.push(`${name}: the Dockerfile has no target ${s.build!.target}`);
    for (const arg of Object.keys(s.build!.args ?? {})) if (!stage?.args.has(arg)) problems.push(`${name}: the ${s.build!.target} target has no ARG ${arg}`);
    problems.push(...cliProblems(s.command!).map((p) => `${name}: ${p}`));
    const check = s.healthcheck!.test;
    if (check[0] === 'CMD' && check[2] === 'bin/understudy.js') problems.push(...cliProblems(check.slice(3)).map((p) => `${name}'s health check: ${p}`));
  }
  assert.deepEqual(problems, []);
  const roles = Object.fromEntries(ours.map(([name, s]) => [name, s.command!.join(' ')]));
  assert.deepEqual(roles, { bots: 'serve --role bots', worker: 'serve --role worker', 'worker-gpu': 'serve --role worker', admin: 'admin --host 0.0.0.0' });
  // The nightly job runs in a worker: its image has the trainer (setup.sh --train).
  assert.match(read('deploy/setup.sh'), /^\s+--train\) TRAIN=1 ;;$/m);
  for (const w of ['worker', 'worker-gpu']) assert.equal(services[w]!.build!.args?.SETUP_FLAGS, '--train', w);
  const gpu = services['worker-gpu']!;
  assert.equal(gpu.build!.target, 'gpu');
  assert.deepEqual(gpu.profiles, ['gpu']);
  assert.deepEqual(gpu.deploy?.resources?.reservations?.devices, [{ driver: 'nvidia', count: 'all', capabilities: ['gpu'] }]);
  assert.match(services.admin!.healthcheck!.test.join(' '), new RegExp(`http://127\\.0\\.0\\.1:${configOf(services.admin!).admin.port}/healthz`));
});

test('each service\'s environment is a valid configuration pointing at the compose servers, with no secret written in the file', () => {
  const names = new Set(configEnvNames());
  const problems: string[] = [];
  for (const [name, s] of ours) {
    for (const key of Object.keys(s.environment ?? {})) if (!names.has(key)) problems.push(`${name}: the config reads no variable ${key}`);
    const config = configOf(s);
    const pg = services.postgres!.environment!;
    const db = new URL(config.store.url!);
    if (`${db.protocol}//${db.username}:${db.password}@${db.host}${db.pathname}` !== `postgres:${'//'}${pg.POSTGRES_USER}:${pg.POSTGRES_PASSWORD}@postgres:5432/${pg.POSTGRES_DB}`) problems.push(`${name}: DATABASE_URL ${config.store.url} is not the postgres service's`);
    if (config.queue.url !== 'redis://redis:6379') problems.push(`${name}: REDIS_URL ${config.queue.url} is not the redis service`);
    if (config.chroma.url !== 'http://chroma:8000') problems.push(`${name}: CHROMA_URL ${config.chroma.url} is not the chroma service`);
  }
  for (const [name, s] of Object.entries(raw.services)) {
    for (const [key, value] of Object.entries(s.environment ?? {})) {
      if (/TOKEN|SECRET|PASSWORD|API_KEY/.test(key) && !/^\$\{[A-Z_]+(:[-?][^}]*)?\}$/.test(value)) problems.push(`${name}: ${key} is written in the file`);
    }
  }
  assert.deepEqual(problems, []);
  for (const w of ['worker', 'worker-gpu']) parseCron(configOf(services[w]!).distill.schedule!);
  assert.equal(configOf(services.admin!).admin.password, env.UNDERSTUDY_ADMIN_PASSWORD);
  // deploy/.env.example names every variable the file reads and nothing else; what it requires is left blank there.
  assert.deepEqual([...used].sort(), Object.keys(example).sort());
  assert.deepEqual([...required].sort(), Object.keys(example).filter((k) => example[k] === '' && required.has(k)).sort());
  assert.deepEqual([...required].sort(), ['POSTGRES_PASSWORD', 'UNDERSTUDY_ADMIN_PASSWORD']);
});

test('ports match the config\'s, and every process shares the data volume where the image keeps its state', () => {
  const portKey: Record<string, (c: Config) => number> = { bots: (c) => c.slack.port, admin: (c) => c.admin.port };
  const problems: string[] = [];
  for (const [name, s] of ours) {
    for (const p of s.ports ?? []) {
      const inside = Number(p.split(':').at(-1));
      if (!portKey[name]) problems.push(`${name}: publishes ${p}, which no setting of it listens on`);
      else if (inside !== portKey[name](configOf(s))) problems.push(`${name}: publishes container port ${inside}, the process listens on ${portKey[name](configOf(s))}`);
    }
    const dataDir = stages.get(s.build!.target)?.dataDir;
    if (!dataDir || !s.volumes?.includes(`data:${dataDir}`)) problems.push(`${name}: does not mount the data volume at the image's UNDERSTUDY_DATA_DIR (${dataDir})`);
  }
  const mounted = new Set<string>();
  for (const [name, s] of Object.entries(services)) {
    for (const v of s.volumes ?? []) {
      const source = v.split(':')[0]!;
      if (source.startsWith('.') || source.startsWith('/')) problems.push(`${name}: mounts a host path ${source}, not a named volume`);
      else if (!(source in volumes)) problems.push(`${name}: volume ${source} is not declared`);
      mounted.add(source);
    }
  }
  for (const v of Object.keys(volumes)) if (!mounted.has(v)) problems.push(`volume ${v} is declared but never mounted`);
  assert.deepEqual(problems, []);
  assert.ok(services.admin!.ports!.every((p) => p.startsWith('127.0.0.1:')), 'the admin UI is published on the host\'s loopback only');
  assert.deepEqual(services.postgres!.volumes, ['postgres:/var/lib/postgresql/data']);
  assert.deepEqual(services.redis!.volumes, ['redis:/data']);
  assert.deepEqual(services.chroma!.volumes, ['chroma:/data']);
});
