/**
 * EFAIL CBC gadgets (2018): with the known first plaintext block, the attacker writes chosen 16-byte
 * blocks into the ciphertext without the key: a remote image and an event handler. The message still
 * decrypts; it must be flagged "not integrity-protected", and the injected markup must neither load
 * anything nor run (sanitised, sandboxed, CSP default-src 'none').
 */
import { FRAME, type AttackCase } from '../lib/attack-case';
import { cbcVictim, KNOWN_FIRST_BLOCK } from '../lib/cbc-message';
import { cmsOf, plantCbcGadget, withCms } from '../lib/cms-surgery';

export default {
  name: 'cbc-gadget-html-injection',
  class: 'cbc-malleability',
  source: 'Poddebniak et al., "Efail" (2018), CBC gadgets',
  async build(k) {
    const victim = await cbcVictim(k.bob);
    let der = cmsOf(victim).der;
    // Blocks 6..7 and 10..11: inside the <p> filler, after the header.
    der = plantCbcGadget(der, KNOWN_FIRST_BLOCK, '<img src=//10.1>', 6);
    der = plantCbcGadget(der, KNOWN_FIRST_BLOCK, '<svg onload=a()>', 10);
    return withCms(victim, der);
  },
  expect: {
    valid: false,
    coverage: { kind: 'none' },
    fromMatchesSigner: false,
    integrityProtected: false,
    errors: [],
    warnings: ['smime.not-integrity-protected'],
    frame: { statusIncludes: [FRAME.notIntegrity], statusExcludes: [FRAME.integrity, FRAME.signedBy] },
  },
} satisfies AttackCase;
