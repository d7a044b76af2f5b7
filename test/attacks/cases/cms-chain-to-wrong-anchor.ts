/**
 * "Johnny, you are fired" (2019): the message carries a complete chain up to a self-signed root the
 * reader never chose to trust. A root inside the message is not an anchor.
 */
import { signMessage } from '../../../shared/smime/sign';
import { FRAME, type AttackCase } from '../lib/attack-case';
import { SIGN, env, message, textEntity } from '../lib/message';

export default {
  name: 'cms-chain-to-wrong-anchor',
  class: 'cms',
  source: 'Müller et al., "Johnny, you are fired!" (2019), untrusted certificates',
  build: (k) =>
    signMessage(
      message({}, textEntity('It is really me, Alice.')),
      k.rogueAlice,
      { ...SIGN, chain: 'full' },
      env,
    ),
  expect: {
    valid: true,
    trusted: false,
    coverage: { kind: 'whole', signedPaths: [''] },
    fromMatchesSigner: true,
    integrityProtected: null,
    errors: [],
    frame: { statusIncludes: [FRAME.notTrusted], statusExcludes: [FRAME.trusted + ' ('] },
  },
} satisfies AttackCase;
