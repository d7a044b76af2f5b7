/**
 * "Johnny, you are fired" (2019), CMS class: a multipart/signed whose signature blob also carries an
 * encapsulated content. A client that verifies the eContent but shows the first MIME part shows
 * unsigned text as signed. Sello refuses a detached content that differs from the encapsulated one.
 */

import { signMessage } from '../../../shared/smime/sign';
import { FRAME, type AttackCase } from '../lib/attack-case';
import { cmsOf } from '../lib/cms-surgery';
import { SIGN, env, message, multipart, textEntity } from '../lib/message';

export default {
  name: 'cms-econtent-confusion',
  class: 'cms',
  source: 'Müller et al., "Johnny, you are fired!" (USENIX Security 2019), CMS eContent confusion',
  async build(k) {
    const genuine = await signMessage(
      message({}, textEntity('The meeting is at ten.')),
      k.alice,
      { ...SIGN, form: 'opaque' },
      env,
    );
    const { base64 } = cmsOf(genuine);
    return message(
      {},
      multipart(
        'signed',
        'confusion',
        [
          textEntity('Please wire 10,000 EUR to IBAN XX00 EVE.'),
          `Content-Type: application/pkcs7-signature; name="smime.p7s"\r\nContent-Transfer-Encoding: base64\r\n\r\n${base64}`,
        ],
        '; protocol="application/pkcs7-signature"; micalg=sha-256',
      ),
    );
  },
  expect: {
    valid: false,
    coverage: { kind: 'none' },
    fromMatchesSigner: false,
    integrityProtected: null,
    errors: ['cms.bad-signature'],
    frame: {
      statusIncludes: ['The signature by Alice Example <alice@example.org>', FRAME.invalid],
      statusExcludes: [FRAME.whole, FRAME.signedBy, FRAME.fromMatches],
    },
  },
} satisfies AttackCase;
