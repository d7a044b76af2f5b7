/**
 * The fuzz targets, loaded by name. Each module exports `target`; add a line here for a new parser.
 */
import type { FuzzTarget } from '../target';

const TARGETS: Record<string, () => Promise<{ target: FuzzTarget }>> = {
  policy: () => import('./policy'),
  mime: () => import('./mime'),
  pkcs12: () => import('./pkcs12'),
  'smime-open': () => import('./smime-open'),
  cms: () => import('./cms'),
  sst: () => import('./sst'),
  certificate: () => import('./certificate'),
};

export const TARGET_NAMES = Object.keys(TARGETS);

/** Misbehaving targets for the harness's own test (canary.test.ts); not in TARGET_NAMES. */
const CANARIES: Record<string, () => Promise<{ target: FuzzTarget }>> = {
  'canary-crash': async () => ({ target: (await import('./canaries')).crash }),
  'canary-hang': async () => ({ target: (await import('./canaries')).hang }),
  'canary-oom': async () => ({ target: (await import('./canaries')).memory }),
};

export async function loadTarget(name: string): Promise<FuzzTarget> {
  const load = TARGETS[name] ?? CANARIES[name];
  if (!load) throw new Error(`unknown fuzz target ${name}; known: ${TARGET_NAMES.join(', ')}`);
  return (await load()).target;
}
