/**
 * "Johnny, you are fired" (2019), CMS class: a SignedData with an empty signerInfos set. Some clients
 * showed "signed" because nothing failed. Sello: no signer, not signed.
 */
import { signMessage } from '../../../shared/smime/sign';
import { FRAME, type AttackCase } from '../lib/attack-case';
import { cmsOf, signedDataDer, signedDataOf, withCms } from '../lib/cms-surgery';
import { SIGN, env, message, textEntity } from '../lib/message';

export default {
  name: 'cms-no-signer-infos',
  class: 'cms',
  source: 'Müller et al., "Johnny, you are fired!" (2019), signerInfos empty',
  async build(k) {
    const genuine = await signMessage(
      message({}, textEntity('Please wire the money today.')),
      k.alice,
      SIGN,
      env,
    );
    const sd = signedDataOf(cmsOf(genuine).der);
    sd.signerInfos = [];
    return withCms(genuine, signedDataDer(sd));
  },
  expect: {
    valid: false,
    coverage: { kind: 'none' },
    fromMatchesSigner: false,
    integrityProtected: null,
    errors: [],
    frame: {
      statusIncludes: [FRAME.notSigned],
      statusExcludes: [FRAME.whole, FRAME.signedBy, FRAME.fromMatches],
    },
  },
} satisfies AttackCase;
