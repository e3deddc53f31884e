// Child processes for the bench (simulators, API, worker, bare server) and their memory.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface Child {
  proc: ChildProcess;
  pid: number;
  stop(): Promise<void>;
}

/** Spawns `node args...` and resolves once a stdout line matches `ready` (returning that line). */
export async function startNode(
  name: string, args: string[], env: NodeJS.ProcessEnv, ready: RegExp, timeoutMs = 120_000,
): Promise<{ child: Child; line: string }> {
  const proc = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const stderr: string[] = [];
  proc.stderr!.on('data', (d: Buffer) => {
    stderr.push(d.toString());
    if (stderr.length > 50) stderr.shift();
  });
  const child: Child = {
    proc,
    pid: proc.pid!,
    stop: () => new Promise((resolve) => {
      if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
      const kill = setTimeout(() => proc.kill('SIGKILL'), 15_000);
      proc.once('exit', () => { clearTimeout(kill); resolve(); });
      proc.kill('SIGTERM');
    }),
  };
  const line = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within ${timeoutMs} ms\n${stderr.join('')}`)), timeoutMs);
    const rl = createInterface({ input: proc.stdout! });
    rl.on('line', (l) => {
      if (ready.test(l)) {
        clearTimeout(timer);
        resolve(l);
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code} before it was ready\n${stderr.join('')}`));
    });
  });
  // BENCH_CHILD_LOGS=<dir>: each child's stdout also goes to <dir>/<name>.log (e.g. with --trace-gc).
  if (process.env.BENCH_CHILD_LOGS) proc.stdout!.pipe(createWriteStream(join(process.env.BENCH_CHILD_LOGS, `${name}.log`)));
  else proc.stdout!.resume();
  return { child, line };
}

/** VmRSS and VmHWM of a process, in bytes (Linux /proc). */
export function memoryOf(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

/** Resets a process's peak RSS (VmHWM) to its current RSS; false when the kernel refuses. */
export function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** Samples a process's RSS every `everyMs` until stopped; returns the baseline and the peak seen. */
export function sampleMemory(pid: number, everyMs = 10): { stop(): { baseline: number; peak: number } } {
  const baseline = memoryOf(pid).rss;
  const peakReset = resetPeak(pid);
  let peak = baseline;
  const timer = setInterval(() => {
    try { peak = Math.max(peak, memoryOf(pid).rss); } catch { /* exited */ }
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      try {
        const now = memoryOf(pid);
        peak = Math.max(peak, now.rss, peakReset ? now.hwm : 0);
      } catch { /* exited */ }
      return { baseline, peak };
    },
  };
}
