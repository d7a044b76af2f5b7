/**
 * A fuzz target: bytes in, and either a result or a SelloError out. Anything else thrown, a hang or
 * unbounded memory is a finding. Targets live in ./targets and are named after the parser they attack.
 */
import { SelloError } from '../../shared/errors';

export interface FuzzTarget {
  name: string;
  /** Seed inputs: real messages, certificates, stores from the tests and corpora. */
  seeds(): Uint8Array[];
  /** Tokens the mutator splices in (header names, ASN.1 tags...), to get past magic values sooner. */
  dictionary?: string[];
  run(data: Uint8Array): Promise<unknown> | unknown;
}

/** Typed errors are the expected way to refuse bad input. */
export function isExpectedFailure(e: unknown): boolean {
  return e instanceof SelloError;
}
