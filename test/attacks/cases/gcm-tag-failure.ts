/**
 * EFAIL's fix is authenticated encryption: one flipped bit in an AES-GCM AuthEnvelopedData fails the
 * tag, and that is a hard error. Nothing of the content is shown.
 */
import { FRAME, type AttackCase } from '../lib/attack-case';
import { cmsOf, withCms } from '../lib/cms-surgery';
import { GCM, encryptedTo } from '../lib/message';
import { SECRET, secretHtml } from '../lib/secret';

export default {
  name: 'gcm-tag-failure',
  class: 'cbc-malleability',
  source: 'Poddebniak et al., "Efail" (2018), mitigation: AEAD',
  async build(k) {
    const m = await encryptedTo(
      k.bob,
      {},
      `Content-Type: text/html; charset=utf-8\r\n\r\n${secretHtml}\r\n`,
      GCM,
    );
    const der = new Uint8Array(cmsOf(m).der);
    // The mac is the last field of AuthEnvelopedData (no unauthAttrs): flip its last bit.
    der[der.length - 1]! ^= 1;
    return withCms(m, der);
  },
  expect: {
    valid: false,
    coverage: { kind: 'none' },
    fromMatchesSigner: false,
    integrityProtected: true,
    errors: ['cms.decrypt-failed'],
    exactErrors: true,
    contentExcludes: [SECRET],
    frame: {
      statusIncludes: ['The message could not be decrypted with your keys.'],
      statusExcludes: [FRAME.signedBy, FRAME.integrity],
      pageExcludes: [SECRET],
    },
  },
} satisfies AttackCase;
