/**
 * Encrypt-then-sign confusion (Davis, "Defective Sign & Encrypt", 2001): Eve takes Alice's signed and
 * encrypted message to Bob and puts her own signature around the ciphertext (OpenSSL, as a gateway
 * would). A signature over ciphertext says nothing about who wrote the plaintext: Sello lists it as
 * not counted and shows Alice's inner signature, never "Signed by Eve".
 */
import { FRAME, type AttackCase } from '../lib/attack-case';
import { CBC, SIGN, env, message, textEntity } from '../lib/message';
import { eveSignsCiphertext } from '../lib/outer-signature';
import { signAndEncrypt } from '../../../shared/smime/encrypt';

export const NOT_COUNTED =
  'Another signature was not counted: outer signature around an encrypted message: it covers ciphertext, not what the author wrote';

export default {
  name: 'identity-outer-signature-over-signed-ciphertext',
  class: 'identity',
  source: 'Davis, "Defective Sign & Encrypt in S/MIME, PKCS#7, MOSS, PEM, PGP, and XML" (2001)',
  async build(k) {
    const inner = await signAndEncrypt(
      message({}, textEntity('The contract is attached.')),
      k.alice,
      SIGN,
      [k.bob.certificate],
      CBC,
      env,
    );
    return eveSignsCiphertext(k, {}, inner);
  },
  expect: {
    valid: true,
    trusted: true,
    coverage: { kind: 'whole' },
    fromMatchesSigner: true,
    // Alice's intact inner signature protects what is shown (the core's rule for sign-then-encrypt).
    integrityProtected: true,
    errors: [],
    exactErrors: true,
    warnings: ['smime.outer-signature-ignored'],
    frame: {
      statusIncludes: ['Signed by Alice Example <alice@example.org>', FRAME.fromMatches, NOT_COUNTED],
      // Said once (the core's warning is not a second line).
      statusExcludes: [
        'A signature was ignored',
        'Eve Example',
        'eve@evil.example',
        FRAME.invalid,
        FRAME.fromMismatch,
      ],
      visibleIncludes: ['The contract is attached.'],
    },
  },
} satisfies AttackCase;
