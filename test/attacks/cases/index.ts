/** Every regenerated attack case; the runners apply each one the same way. */
import type { AttackCase } from '../lib/attack-case';
import c0 from './backchannel-aia-ca-issuers';
import c1 from './cbc-gadget-html-injection';
import c2 from './cbc-gadget-in-signed-message';
import c3 from './cbc-unsigned-not-integrity-protected';
import c4 from './cms-chain-to-nothing';
import c5 from './cms-chain-to-wrong-anchor';
import c6 from './cms-econtent-confusion';
import c7 from './cms-econtent-type-mismatch';
import c8 from './cms-multiple-signers-one-invalid';
import c9 from './cms-no-signer-infos';
import c10 from './downgrade-3des-content';
import c11 from './downgrade-md5-signature';
import c12 from './downgrade-sha1-signature';
import c13 from './efail-direct-html-wrapping';
import c14 from './efail-direct-signed-wrapper';
import c15 from './gcm-tag-failure';
import c16 from './identity-display-name';
import c17 from './identity-from-differs';
import c18 from './identity-from-vs-sender';
import c19 from './identity-multiple-from-addresses';
import c20 from './identity-two-from-fields';
import c21 from './mime-wrapping-alternative-override';
import c22 from './mime-wrapping-cid-reference';
import c23 from './mime-wrapping-hidden-attachment';
import c24 from './mime-wrapping-hidden-by-css';
import c25 from './mime-wrapping-message-rfc822';
import c26 from './mime-wrapping-prepended-text';
import c27 from './reply-oracle-hidden-ciphertext';
import c28 from './ui-redressing-fake-status-bar';
import po0 from './padding-oracle-bad-cbc-padding';
import po1 from './padding-oracle-bad-pkcs1-padding';
import po2 from './padding-oracle-other-recipient';
import po3 from './padding-oracle-truncated-encrypted-key';
import cms1 from './cms-chain-to-same-name-root';
import ro1 from './reply-oracle-resent-ciphertext';
import ro2 from './reply-oracle-style-class-hidden';
import dg1 from './downgrade-des-content';
import dg2 from './downgrade-rc2-content';
import id1 from './identity-outer-signature-over-signed-ciphertext';
import id2 from './identity-outer-signature-over-unsigned-ciphertext';

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
  c28,
  po0,
  po1,
  po2,
  po3,
  cms1,
  ro1,
  ro2,
  dg1,
  dg2,
  id1,
  id2,
];
