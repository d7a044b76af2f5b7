/**
 * "Johnny, you are fired" (2019), untrusted certificates, name variant: the message carries a full
 * chain up to a self-signed root whose subject DN is byte-for-byte the reader's trusted CA. A verifier
 * that finds its anchor by name accepts it; Sello matches anchors by key (and verifies every signature
 * up to it), so the chain ends at an unknown key and is not trusted.
 */
import * as pkijs from 'pkijs';
import { toArrayBuffer, toHex } from '../../../shared/bytes';
import { createDemoCa, createDemoUser } from '../../../shared/smime/demo-pki';
import { signMessage } from '../../../shared/smime/sign';
import { FRAME, type AttackCase } from '../lib/attack-case';
import { SIGN, env, message, textEntity } from '../lib/message';

function subjectDer(cert: Uint8Array): string {
  const c = pkijs.Certificate.fromBER(toArrayBuffer(cert));
  return toHex(new Uint8Array(c.subject.toSchema().toBER(false)));
}

export default {
  name: 'cms-chain-to-same-name-root',
  class: 'cms',
  source: 'Müller et al., "Johnny, you are fired!" (2019), untrusted certificates: look-alike root',
  async build(k) {
    const lookAlike = await createDemoCa(env, { name: k.ca.name, keyType: 'RSA-2048' });
    if (subjectDer(lookAlike.certificate) !== subjectDer(k.ca.certificate))
      throw new Error('the look-alike root must have the trusted CA subject DN');
    const fakeAlice = await createDemoUser(
      lookAlike,
      { name: 'Alice Example', email: 'alice@example.org' },
      env,
    );
    return signMessage(
      message({}, textEntity('It is really me, Alice.')),
      fakeAlice,
      { ...SIGN, chain: 'full' },
      env,
    );
  },
  expect: {
    valid: true,
    trusted: false,
    coverage: { kind: 'whole', signedPaths: [''] },
    fromMatchesSigner: true,
    integrityProtected: null,
    errors: [],
    frame: {
      // Not trusted because no anchor key was reached (not for some other reason, e.g. revocation).
      statusIncludes: [FRAME.notTrusted, 'to a trusted certificate authority was found.'],
      statusExcludes: [FRAME.trusted + ' ('],
    },
  },
} satisfies AttackCase;
