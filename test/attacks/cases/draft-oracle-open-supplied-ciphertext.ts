/**
 * Decryption oracle through the page: the page hands Sello a ciphertext of its choosing (an intercepted
 * message, or one altered CBC block at a time) and watches what happens. owa.open takes a mailbox
 * message id, nothing else; read.open (which takes bytes) is the read frame's alone. And whatever the
 * id, the page gets only a token, never the outcome (test/e2e/owa: same page DOM for a message that
 * opens and one that does not).
 */
import type { DraftOracleCase } from '../lib/draft-oracle-case';

const attack: DraftOracleCase = {
  name: 'draft-oracle-open-supplied-ciphertext',
  class: 'draft-oracle',
  source: 'Efail (Poddebniak et al., USENIX Security 2018): chosen-ciphertext oracles via the client',
  request: {
    type: 'owa.open',
    messageId: 'AAMkAGI2TG93AAA=',
    source: { kind: 'bytes', message: 'MIME-Version: 1.0' },
  },
  refusedWith: 'message.invalid',
  honest: { type: 'owa.open', messageId: 'AAMkAGI2TG93AAA=' },
};
export default attack;
