/** Every regenerated attack case; the runners apply each one the same way. */
import type { AttackCase } from '../lib/attack-case';
import c0 from './cbc-gadget-html-injection';
import c1 from './cbc-gadget-in-signed-message';
import c2 from './cbc-unsigned-not-integrity-protected';
import c3 from './cms-chain-to-nothing';
import c4 from './cms-chain-to-wrong-anchor';
import c5 from './cms-econtent-confusion';
import c6 from './cms-econtent-type-mismatch';
import c7 from './cms-multiple-signers-one-invalid';
import c8 from './cms-no-signer-infos';
import c9 from './downgrade-3des-content';
import c10 from './downgrade-md5-signature';
import c11 from './downgrade-sha1-signature';
import c12 from './efail-direct-html-wrapping';
import c13 from './efail-direct-signed-wrapper';
import c14 from './gcm-tag-failure';
import c15 from './identity-display-name';
import c16 from './identity-from-differs';
import c17 from './identity-from-vs-sender';
import c18 from './identity-multiple-from-addresses';
import c19 from './identity-two-from-fields';
import c20 from './mime-wrapping-alternative-override';
import c21 from './mime-wrapping-cid-reference';
import c22 from './mime-wrapping-hidden-attachment';
import c23 from './mime-wrapping-hidden-by-css';
import c24 from './mime-wrapping-message-rfc822';
import c25 from './mime-wrapping-prepended-text';
import c26 from './reply-oracle-hidden-ciphertext';
import c27 from './ui-redressing-fake-status-bar';

export const CASES: AttackCase[] = [
  c0,
  c1,
  c2,
  c3,
  c4,
  c5,
  c6,
  c7,
  c8,
  c9,
  c10,
  c11,
  c12,
  c13,
  c14,
  c15,
  c16,
  c17,
  c18,
  c19,
  c20,
  c21,
  c22,
  c23,
  c24,
  c25,
  c26,
  c27,
];
