/**
 * "Johnny, you are fired" (2019): a certificate for alice@example.org issued by an unknown CA and sent
 * without any chain. The signature is intact, but nothing vouches for the key: never "trusted".
 */
import { signMessage } from '../../../shared/smime/sign';
import { FRAME, type AttackCase } from '../lib/attack-case';
import { SIGN, env, message, textEntity } from '../lib/message';

export default {
  name: 'cms-chain-to-nothing',
  class: 'cms',
  source: 'Müller et al., "Johnny, you are fired!" (2019), untrusted certificates',
  build: (k) =>
    signMessage(
      message({}, textEntity('It is really me, Alice.')),
      k.rogueAlice,
      { ...SIGN, chain: 'none' },
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
