/**
 * Runs one target's campaign in a child process and watches it: a silent child (no heartbeat for
 * HANG_MS) is a hang, a child killed by the heap limit is unbounded memory. Used by `npm run fuzz`
 * (long) and by the CI fuzz test (short).
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { mkdtempSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';

export interface CampaignResult {
  target: string;
  execs: number;
  corpus: number;
  coverage: number;
  findings: { type: 'crash' | 'slow' | 'hang' | 'memory'; file: string; message: string }[];
}

const HANG_MS = 15_000;
const HEAP_MB = 768;

export function runCampaign(target: string, seconds: number, seed = 1): Promise<CampaignResult> {
  const stateDir = mkdtempSync(join(tmpdir(), `sello-fuzz-${target}-`));
  const worker = fileURLToPath(new URL('./worker.ts', import.meta.url));
  const child = fork(worker, [target, String(seconds), String(seed), stateDir], {
    execArgv: ['--import', 'tsx', `--max-old-space-size=${HEAP_MB}`],
    stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
  });
  const result: CampaignResult = { target, execs: 0, corpus: 0, coverage: 0, findings: [] };
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  let last = Date.now();
  const watchdog = setInterval(() => {
    if (Date.now() - last > HANG_MS) {
      const file = join(stateDir, 'hang.bin');
      copyFileSync(join(stateDir, 'current.bin'), file);
      result.findings.push({ type: 'hang', file, message: `no progress for ${HANG_MS} ms` });
      child.kill('SIGKILL');
    }
  }, 1000);
  child.on(
    'message',
    (m: { kind: string; execs?: number; corpus?: number; coverage?: number } & Record<string, string>) => {
      last = Date.now();
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
