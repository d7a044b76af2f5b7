/**
 * One fuzzing campaign in its own process (so a hang or an out-of-memory is observed from outside,
 * by run-campaign.ts). Coverage-guided: V8's precise block coverage (the inspector Profiler) tells
 * which code ranges an input reached; inputs reaching new ranges join the corpus and get mutated.
 *
 * argv: targetName seconds seed stateDir [rssMb]
 */
import { Session } from 'node:inspector/promises';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isExpectedFailure, type FuzzTarget } from './target';
import { makeRng, mutate } from './mutate';
import { loadTarget } from './targets/index';

const [name, secondsArg, seedArg, stateDirArg, rssArg] = process.argv.slice(2);
if (!name || !secondsArg || !seedArg || !stateDirArg) {
  console.error('usage: worker TARGET SECONDS SEED STATE_DIR');
  process.exit(2);
}
const stateDir: string = stateDirArg;
const target: FuzzTarget = await loadTarget(name);
const deadline = Date.now() + Number(secondsArg) * 1000;
const rng = makeRng(Number(seedArg));
mkdirSync(stateDir, { recursive: true });
const currentPath = join(stateDir, 'current.bin');

const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.startPreciseCoverage', { callCount: true, detailed: true });

const seen = new Set<string>();
/** Ranges reached since the last call, in project code and the parsers we build on. */
async function newCoverage(): Promise<number> {
  const { result } = await session.post('Profiler.takePreciseCoverage');
  let fresh = 0;
  for (const script of result) {
    if (!/\/shared\/|pkijs|asn1js|postal-mime|node-forge/.test(script.url)) continue;
    for (const fn of script.functions) {
      for (const r of fn.ranges) {
        if (r.count === 0) continue;
        const key = `${script.url}:${r.startOffset}:${r.endOffset}`;
        if (!seen.has(key)) {
          seen.add(key);
          fresh++;
        }
      }
    }
  }
  return fresh;
}

const enc = new TextEncoder();
const dictionary = (target.dictionary ?? []).map((t) => enc.encode(t));
const corpus: Uint8Array[] = [];
let execs = 0;
const SLOW_MS = 5000;
/** Memory outside the V8 heap (Buffers, ArrayBuffers) is not bounded by --max-old-space-size. */
const RSS_LIMIT = Number(rssArg ?? 1536) * 1024 * 1024;

async function runOne(data: Uint8Array): Promise<boolean> {
  writeFileSync(currentPath, data);
  process.send?.({ kind: 'heartbeat', execs });
  const t0 = Date.now();
  try {
    await target.run(data);
  } catch (e) {
    if (!isExpectedFailure(e)) {
      const file = join(stateDir, `crash-${execs}.bin`);
      writeFileSync(file, data);
      const msg = e instanceof Error ? `${e.name}: ${e.message}\n${e.stack ?? ''}` : String(e);
      process.send?.({ kind: 'finding', type: 'crash', file, message: msg.slice(0, 2000) });
      return false;
    }
  }
  // The parent also polls RSS from outside; this catches growth between polls, after each input.
  const mem = process.memoryUsage();
  if (mem.rss > RSS_LIMIT || mem.arrayBuffers > RSS_LIMIT) {
    const file = join(stateDir, `memory-${execs}.bin`);
    writeFileSync(file, data);
    const mb = (n: number) => `${Math.round(n / 1048576)} MB`;
    const message = `rss ${mb(mem.rss)}, arrayBuffers ${mb(mem.arrayBuffers)}, heap ${mb(mem.heapUsed)}`;
    process.send?.({ kind: 'finding', type: 'memory', file, message });
    return false;
  }
  const ms = Date.now() - t0;
  if (ms > SLOW_MS) {
    const file = join(stateDir, `slow-${execs}.bin`);
    writeFileSync(file, data);
    process.send?.({ kind: 'finding', type: 'slow', file, message: `took ${ms} ms` });
    return false;
  }
  execs++;
  return true;
}

for (const seed of target.seeds()) {
  if (!(await runOne(seed))) process.exit(1);
  if ((await newCoverage()) > 0 || corpus.length === 0) corpus.push(seed);
}
while (Date.now() < deadline) {
  const parent = corpus[Math.floor(rng() * corpus.length)] ?? new Uint8Array(0);
  const child = mutate(parent, rng, corpus, dictionary);
  if (!(await runOne(child))) process.exit(1);
  if ((await newCoverage()) > 0) corpus.push(child);
}
process.send?.({ kind: 'done', execs, corpus: corpus.length, coverage: seen.size });
process.exit(0);
