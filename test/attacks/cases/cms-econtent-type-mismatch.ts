/**
 * "Johnny, you are fired" (2019), CMS class: the encapsulated content type is changed after signing
 * (id-data to id-signedData), so a verifier that dispatches on eContentType parses the signed bytes as
 * something else. The signed contentType attribute no longer matches: the signature is refused.
 */
import { signMessage } from '../../../shared/smime/sign';
import { FRAME, type AttackCase } from '../lib/attack-case';
import { cmsOf, signedDataDer, signedDataOf, withCms } from '../lib/cms-surgery';
import { SIGN, env, message, textEntity } from '../lib/message';

export default {
  name: 'cms-econtent-type-mismatch',
  class: 'cms',
  source: 'Müller et al., "Johnny, you are fired!" (2019), eContentType confusion',
  async build(k) {
    const genuine = await signMessage(
      message({}, textEntity('The meeting is at ten.')),
      k.alice,
      { ...SIGN, form: 'opaque' },
      env,
    );
    const sd = signedDataOf(cmsOf(genuine).der);
    sd.encapContentInfo.eContentType = '1.2.840.113549.1.7.2';
    return withCms(genuine, signedDataDer(sd));
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
