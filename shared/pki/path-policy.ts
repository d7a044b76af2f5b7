/**
 * Every knob of path validation in one typed place (unknown keys are refused, as a misspelt
 * security setting must not silently fall back to a default). Weakening switches are named
 * `allowWeak...` and, when they let something through, the result says so in its issues.
 */
import { SelloError } from '../errors';

export interface PathPolicy {
  /** Accept MD2/MD5/SHA-1 certificate signatures (reported as 'path.weak-signature-allowed'). */
  allowWeakSignatures: boolean;
  /** Accept RSA keys under `minRsaBits` (reported as 'path.weak-key-allowed'). */
  allowWeakKeys: boolean;
  minRsaBits: number;
  /** Certificates between the end entity and the anchor, at most. */
  maxIntermediates: number;
  /** Require extendedKeyUsage emailProtection/anyExtendedKeyUsage when the extension is present. */
  requireEmailProtection: boolean;
  /** Fetch missing issuers from AIA caIssuers (HTTP through env.fetch). */
  fetchIssuers: boolean;
  /** Longest wait for one caIssuers fetch; all fetches also share the validation's retrieval deadline. */
  aiaTimeoutMs: number;
  /** caIssuers fetches per validation. */
  maxIssuerFetches: number;
  /** RFC 5280 §6.1.1 (c)(e)(f)(g): certificate policy inputs. */
  initialPolicySet: string[];
  requireExplicitPolicy: boolean;
  inhibitPolicyMapping: boolean;
  inhibitAnyPolicy: boolean;
}

export const ANY_POLICY = '2.5.29.32.0';

export function defaultPathPolicy(): PathPolicy {
  return {
    allowWeakSignatures: false,
    allowWeakKeys: false,
    minRsaBits: 2048,
    maxIntermediates: 8,
    requireEmailProtection: true,
    fetchIssuers: true,
    aiaTimeoutMs: 10_000,
    maxIssuerFetches: 4,
    initialPolicySet: [ANY_POLICY],
    requireExplicitPolicy: false,
    inhibitPolicyMapping: false,
    inhibitAnyPolicy: false,
  };
}

export function resolvePathPolicy(overrides: Partial<PathPolicy> = {}): PathPolicy {
  const policy = defaultPathPolicy();
  for (const key of Object.keys(overrides)) {
    if (!(key in policy))
      throw new SelloError('usage.unknown-option', `Unknown path validation setting "${key}".`);
  }
  const merged = { ...policy, ...overrides };
  for (const key of ['minRsaBits', 'maxIntermediates', 'aiaTimeoutMs', 'maxIssuerFetches'] as const) {
    if (!Number.isInteger(merged[key]) || merged[key] < 0)
      throw new SelloError('usage.bad-number', `The path validation setting ${key} must be a whole number.`);
  }
  return merged;
}
