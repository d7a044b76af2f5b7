/**
 * Padding-oracle hygiene: a message encrypted to somebody else (Eve) must fail exactly like a tampered
 * key transport. A distinct "not for you" would tell an attacker which probes reached the private key.
 */
import type { AttackCase } from '../lib/attack-case';
import { DECRYPT_FAILED, capturedFor } from '../lib/padding-oracle-case';

export default {
  name: 'padding-oracle-other-recipient',
  class: 'padding-oracle',
  source: 'Poddebniak et al., "Efail" (2018), no observable difference between failures',
  build: (k) => capturedFor(k.eve),
  expect: DECRYPT_FAILED,
} satisfies AttackCase;
