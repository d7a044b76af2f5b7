/**
 * Runs one target's campaign in a child process and watches it: a silent child (no heartbeat for
 * `hangMs` once it has started) is a hang; a child killed by the V8 heap limit, or whose resident
 * memory (read from /proc, so it is seen even while the child is stuck in synchronous code, and it
 * counts Buffers and ArrayBuffers outside the V8 heap) passes `rssMb`, is unbounded memory. Used by
 * `npm run fuzz` (long), the CI fuzz test (short) and the canary test (tiny limits).
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { mkdtempSync, copyFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';

export interface CampaignResult {
  target: string;
  execs: number;
  corpus: number;
  coverage: number;
  findings: { type: 'crash' | 'slow' | 'hang' | 'memory'; file: string; message: string }[];
}

export interface CampaignLimits {
  /** No heartbeat for this long after the first one: a hang. */
  hangMs: number;
  /** Start-up (loading the target, making its keys and seeds) may take this long. */
  startMs: number;
  /** V8 old-space limit of the child. */
  heapMb: number;
  /** Resident set size limit of the child (V8 heap + Buffers/ArrayBuffers + native). */
  rssMb: number;
}

export const DEFAULT_LIMITS: CampaignLimits = { hangMs: 15_000, startMs: 120_000, heapMb: 768, rssMb: 1536 };

/** The child's resident set size in MB (Linux /proc; null elsewhere or once it has exited). */
function rssMbOf(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

export function runCampaign(
  target: string,
  seconds: number,
  seed = 1,
  limits: Partial<CampaignLimits> = {},
): Promise<CampaignResult> {
  const { hangMs, startMs, heapMb, rssMb } = { ...DEFAULT_LIMITS, ...limits };
  const stateDir = mkdtempSync(join(tmpdir(), `sello-fuzz-${target}-`));
  const worker = fileURLToPath(new URL('./worker.ts', import.meta.url));
  const child = fork(worker, [target, String(seconds), String(seed), stateDir, String(rssMb)], {
    execArgv: ['--import', 'tsx', `--max-old-space-size=${heapMb}`],
    stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
  });
  const result: CampaignResult = { target, execs: 0, corpus: 0, coverage: 0, findings: [] };
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  let last = Date.now();
  let started = false;
  const stop = (type: 'hang' | 'memory', message: string) => {
    const file = join(stateDir, `${type}.bin`);
    try {
      copyFileSync(join(stateDir, 'current.bin'), file);
    } catch {
      // Still starting up: no input yet.
    }
    result.findings.push({ type, file, message });
    child.kill('SIGKILL');
  };
  const watchdog = setInterval(() => {
    if (result.findings.length > 0) return;
    const rss = rssMbOf(child.pid);
    if (rss !== null && rss > rssMb) stop('memory', `resident memory ${Math.round(rss)} MB > ${rssMb} MB`);
    else if (Date.now() - last > (started ? hangMs : startMs))
      stop('hang', `no progress for ${started ? hangMs : startMs} ms`);
  }, 250);
  child.on(
    'message',
    (m: { kind: string; execs?: number; corpus?: number; coverage?: number } & Record<string, string>) => {
      last = Date.now();
      started = true;
      if (m.kind === 'finding')
        result.findings.push({ type: m.type as 'crash', file: m.file!, message: m.message! });
      if (m.kind === 'done')
        Object.assign(result, { execs: m.execs, corpus: m.corpus, coverage: m.coverage });
    },
  );
  return new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      clearInterval(watchdog);
      if (code !== 0 && result.findings.length === 0) {
        const file = join(stateDir, 'memory-or-abort.bin');
        try {
          copyFileSync(join(stateDir, 'current.bin'), file);
        } catch {
          // No input was written: the worker died while loading, and stderr says why.
        }
        const type = /heap out of memory|Allocation failed/.test(stderr) ? 'memory' : 'crash';
        result.findings.push({
          type,
          file,
          message: `worker exited ${code ?? signal}: ${stderr.slice(-1500)}`,
        });
      }
      resolve(result);
    });
  });
}
