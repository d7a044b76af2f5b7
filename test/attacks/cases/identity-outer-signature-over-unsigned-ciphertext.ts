/**
 * Encrypt-then-sign confusion (Davis, "Defective Sign & Encrypt", 2001): Alice's message to Bob is
 * encrypted but not signed, and Eve signs the ciphertext (OpenSSL, as a gateway would) to pass it off
 * as vouched for. Sello opens the encryption, counts no signature and says so: "Not signed", with
 * Eve's signature listed as not counted and never shown as the signer or as an invalid signature.
 */
import { FRAME, type AttackCase } from '../lib/attack-case';
import { CBC, env, message, textEntity } from '../lib/message';
import { eveSignsCiphertext } from '../lib/outer-signature';
import { encryptMessage } from '../../../shared/smime/encrypt';
import { NOT_COUNTED } from './identity-outer-signature-over-signed-ciphertext';

export default {
  name: 'identity-outer-signature-over-unsigned-ciphertext',
  class: 'identity',
  source: 'Davis, "Defective Sign & Encrypt in S/MIME, PKCS#7, MOSS, PEM, PGP, and XML" (2001)',
  async build(k) {
    const inner = await encryptMessage(
      message({}, textEntity('Meet at noon.')),
      [k.bob.certificate],
      CBC,
      env,
    );
    return eveSignsCiphertext(k, {}, inner);
  },
  expect: {
    valid: false,
    coverage: { kind: 'none' },
    fromMatchesSigner: false,
    integrityProtected: false,
    errors: [],
    exactErrors: true,
    warnings: ['smime.outer-signature-ignored'],
    frame: {
      statusIncludes: [FRAME.notSigned, FRAME.notIntegrity, NOT_COUNTED],
      // Said once (the core's warning is not a second line).
      statusExcludes: ['A signature was ignored', FRAME.signedBy, 'Eve Example', FRAME.invalid, FRAME.whole],
      visibleIncludes: ['Meet at noon.'],
    },
  },
} satisfies AttackCase;
