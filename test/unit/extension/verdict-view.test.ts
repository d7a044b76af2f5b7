/**
 * toVerdictView: the service worker's JSON view of the core Verdict, which the read frame draws its
 * status bar from. An ignored signature (a transport signature over the ciphertext) must stay ignored
 * in the view: the frame and the add-in (which reads the core Verdict) have to say the same thing.
 * Messages are written and opened by the core with keys made at test time.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { utf8 } from '../../../shared/bytes';
import { defaultEnv } from '../../../shared/env';
import type { Identity } from '../../../shared/keys/identity';
import { createDemoCa, createDemoUser } from '../../../shared/smime/demo-pki';
import { encryptMessage, signAndEncrypt, type EncryptOptions } from '../../../shared/smime/encrypt';
import { openMessage } from '../../../shared/smime/open';
import { signMessage, type SignOptions } from '../../../shared/smime/sign';
import { statusLines, type StatusLine } from '../../../shared/smime/status-lines';
import { toVerdictView } from '../../../extension/background/verdict-view';

const env = defaultEnv();
const SIGN: SignOptions = { form: 'detached', hash: 'SHA-256', pss: false, chain: 'no-root' };
const CBC: EncryptOptions = {
  cipher: 'aes-256-cbc',
  keyTransport: 'rsaes-pkcs1-v1_5',
  recipientId: 'issuer-serial',
};
let alice: Identity;
let bob: Identity;
let eve: Identity;

const message = () =>
  utf8(
    'From: Alice <alice@example.org>\r\nTo: bob@example.org\r\nSubject: unit\r\n' +
      'Content-Type: text/plain; charset=utf-8\r\n\r\nHello Bob.\r\n',
  );

/** What a status bar shows, without the localised words: level, id or code, parameters. */
const shown = (lines: StatusLine[]) =>
  lines.map((l) =>
    l.kind === 'status' ? `${l.level} ${l.id} ${l.params.join('|')}` : `${l.level} ${l.code}`,
  );

beforeAll(async () => {
  const ca = await createDemoCa(env, { keyType: 'P-256' });
  alice = await createDemoUser(ca, { name: 'Alice', email: 'alice@example.org', keyType: 'P-256' }, env);
  bob = await createDemoUser(ca, { name: 'Bob', email: 'bob@example.org', keyType: 'RSA-2048' }, env);
  eve = await createDemoUser(ca, { name: 'Eve', email: 'eve@evil.example', keyType: 'P-256' }, env);
}, 60_000);

describe('toVerdictView', () => {
  it('keeps an outer signature over ciphertext ignored, so Eve is not the signer and Alice is', async () => {
    const inner = await signAndEncrypt(message(), alice, SIGN, [bob.certificate], CBC, env);
    const verdict = await openMessage(await signMessage(inner, eve, SIGN, env), { keys: [bob] }, env);
    const view = toVerdictView(verdict);

    const signed = view.layers.filter((l) => l.kind === 'signed');
    expect(signed.map((l) => [l.signers[0]?.emails[0], l.ignored])).toEqual([
      ['eve@evil.example', verdict.layers[0]!.kind === 'signed' ? verdict.layers[0]!.ignored : 'missing'],
      ['alice@example.org', null],
    ]);
    expect(signed[0]!.ignored).toMatch(/ciphertext/);
    // A JSON round trip (what crosses to the frame) keeps it.
    expect(JSON.parse(JSON.stringify(view))).toEqual(view);

    const lines = shown(statusLines(view));
    expect(lines[0]).toBe('ok signedBy Alice <alice@example.org>');
    expect(lines.join('\n')).not.toContain('eve@evil.example>');
    expect(lines).toContain(`info ignored ${signed[0]!.ignored}`);
    // Said once: the core's warning about it is not repeated as a second line.
    expect(verdict.warnings.map((w) => w.code)).toContain('smime.outer-signature-ignored');
    expect(lines.filter((l) => l.includes('ignored'))).toHaveLength(1);
    // The same bar as the add-in draws from the core Verdict itself.
    expect(lines).toEqual(shown(statusLines(verdict)));
  });

  it('an outer signature over an unsigned encrypted message leaves it "not signed"', async () => {
    const inner = await encryptMessage(message(), [bob.certificate], CBC, env);
    const verdict = await openMessage(await signMessage(inner, eve, SIGN, env), { keys: [bob] }, env);
    const lines = shown(statusLines(toVerdictView(verdict)));
    expect(lines[0]).toBe('warn notSigned ');
    expect(lines.some((l) => l.startsWith('info ignored '))).toBe(true);
    expect(lines).toEqual(shown(statusLines(verdict)));
  });

  it('marks a signature that counts with ignored: null', async () => {
    const verdict = await openMessage(await signMessage(message(), alice, SIGN, env), { keys: [] }, env);
    const view = toVerdictView(verdict);
    expect(view.layers).toMatchObject([{ kind: 'signed', ignored: null }]);
    expect(shown(statusLines(view))[0]).toBe('ok signedBy Alice <alice@example.org>');
    expect(shown(statusLines(view)).some((l) => l.includes('ignored'))).toBe(false);
  });
});
