// Runs the real demo (`node dist/demo/main.js`, what `npm start` runs after building) as a
// child process on a database of its own, so its seed starts from an empty tenant.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const READY_LINE = 'Press Ctrl-C to stop.';

export interface DemoStack {
  baseUrl: string;
  /** Everything the demo printed so far (stdout and stderr). */
  output(): string;
  /** An admin/technician/viewer context token from the demo's dev token endpoint. */
  token(role?: 'admin' | 'technician' | 'viewer'): Promise<string>;
  /** GET `/api/v1${path}` with a fresh token of `role`. */
  api<T>(path: string, role?: 'admin' | 'technician' | 'viewer'): Promise<T>;
  /** SIGINT, as Ctrl-C would; resolves with the exit code; then drops the demo's database. */
  stop(): Promise<number | null>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

async function adminQuery(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Starts the demo and resolves once it printed its ready line (seed, Sync All and back-fill done). */
export async function startDemoStack(timeoutMs = 240_000): Promise<DemoStack> {
  const serverUrl = process.env.TEST_SERVER_URL;
  if (!serverUrl) throw new Error('TEST_SERVER_URL is not set: run through the jest global setup');
  const database = `b1r_demo_e2e_${Date.now()}_${process.pid}`;
  await adminQuery(serverUrl, `CREATE DATABASE ${database}`);
  const databaseUrl = new URL(serverUrl);
  databaseUrl.pathname = `/${database}`;
  const port = await freePort();
  const baseUrl = `http://localhost:${port}`;

  // Only what a person's shell would carry: none of the settings other specs put in this
  // process's environment (queue names, test secrets) reach the demo.
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, LANG: process.env.LANG ?? 'C.UTF-8' };
  Object.assign(env, { PORT: String(port), DATABASE_URL: databaseUrl.toString(), LOG_LEVEL: 'warn' });

  const child: ChildProcess = spawn(process.execPath, ['dist/demo/main.js'], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`The demo did not get ready within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(READY_LINE)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`The demo exited (code ${code}) before it was ready:\n${output}`));
    });
  }).catch(async (error) => {
    child.kill('SIGKILL');
    await exited;
    await adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => undefined);
    throw error;
  });

  const token = async (role: 'admin' | 'technician' | 'viewer' = 'admin') => {
    const response = await fetch(`${baseUrl}/demo/context-token?role=${role}`);
    if (!response.ok) throw new Error(`context token: ${response.status}`);
    return ((await response.json()) as { token: string }).token;
  };
  let stopped: Promise<number | null> | undefined;
  return {
    baseUrl,
    output: () => output,
    token,
    async api<T>(path: string, role: 'admin' | 'technician' | 'viewer' = 'admin'): Promise<T> {
      const response = await fetch(`${baseUrl}/api/v1${path}`, { headers: { Authorization: `Bearer ${await token(role)}` } });
      if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
      return (await response.json()) as T;
    },
    stop() {
      stopped ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
        const code = await exited;
        await adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => undefined);
        return code;
      })();
      return stopped;
    },
  };
}
