/**
 * "Johnny, you are fired" (2019), CMS class: two signerInfos, one valid (Alice) and one that does not
 * verify. A client that accepts "any valid signer" shows the message as signed. Sello requires exactly
 * one intact signerInfo.
 */
import { signMessage } from '../../../shared/smime/sign';
import { FRAME, type AttackCase } from '../lib/attack-case';
import { cmsOf, signedDataDer, signedDataOf, withCms } from '../lib/cms-surgery';
import { SIGN, env, message, textEntity } from '../lib/message';

export default {
  name: 'cms-multiple-signers-one-invalid',
  class: 'cms',
  source: 'Müller et al., "Johnny, you are fired!" (2019), multiple signers',
  async build(k) {
    const entity = textEntity('The meeting is at ten.');
    const genuine = await signMessage(message({}, entity), k.alice, SIGN, env);
    // Eve's signerInfo, made over other content, transplanted next to Alice's.
    const other = await signMessage(message({}, textEntity('Something else.')), k.eve, SIGN, env);
    const sd = signedDataOf(cmsOf(genuine).der);
    const eve = signedDataOf(cmsOf(other).der);
    sd.signerInfos.push(eve.signerInfos[0]!);
    sd.certificates = [...(sd.certificates ?? []), ...(eve.certificates ?? [])];
    return withCms(genuine, signedDataDer(sd));
  },
  expect: {
    valid: false,
    coverage: { kind: 'none' },
    fromMatchesSigner: false,
    integrityProtected: null,
    errors: ['smime.signer-broken'],
    frame: {
      statusIncludes: [FRAME.invalid],
      statusExcludes: [FRAME.whole, FRAME.fromMatches, 'Signed by Alice'],
    },
  },
} satisfies AttackCase;
