/**
 * The ChainValidator that shared/smime calls for each signer: fixed anchors, known intermediates,
 * policy and revocation for the installation, an AIA cache shared by all validations it runs.
 */
import type { CoreEnv } from '../env';
import type { ChainValidator } from '../smime/verdict';
import { createAiaCache } from './aia-fetch';
import { resolvePathPolicy, type PathPolicy } from './path-policy';
import { validatePath, type RevocationHook } from './validate-path';

export interface ChainValidatorOptions {
  anchors: Uint8Array[];
  intermediates?: Uint8Array[];
  policy?: Partial<PathPolicy>;
  checkRevocation?: RevocationHook;
  env: CoreEnv;
}

export function createChainValidator(opts: ChainValidatorOptions): ChainValidator {
  // Resolve once so a misspelt setting fails when the validator is made, not on the first message.
  const policy = resolvePathPolicy(opts.policy);
  const aiaCache = createAiaCache();
  return (input) =>
    validatePath({
      certificate: input.certificate,
      intermediates: input.intermediates,
      knownIntermediates: opts.intermediates ?? [],
      anchors: opts.anchors,
      usage: input.usage,
      signingTime: input.signingTime,
      policy,
      aiaCache,
      env: opts.env,
      ...(opts.checkRevocation ? { checkRevocation: opts.checkRevocation } : {}),
    });
}
