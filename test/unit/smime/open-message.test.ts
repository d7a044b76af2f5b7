/**
 * The S/MIME layer end to end in process: what signMessage/encryptMessage write, and the Verdict that
 * openMessage gives for good, altered, partial, layered and malformed messages. Keys come from the
 * in-process demo PKI (made at test time).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { concatBytes, fromUtf8, utf8 } from '../../../shared/bytes';
import { defaultEnv } from '../../../shared/env';
import { verdictExitCode } from '../../../shared/cli/commands/verify';
import { createDemoCa, createDemoUser, type DemoCa } from '../../../shared/smime/demo-pki';
import { encryptMessage, signAndEncrypt, type EncryptOptions } from '../../../shared/smime/encrypt';
import { decryptMessage, MAX_LAYERS, openMessage } from '../../../shared/smime/open';
import { signMessage, type SignOptions } from '../../../shared/smime/sign';
import { verdictToJSON, type ChainValidator } from '../../../shared/smime/verdict';
import type { Identity } from '../../../shared/keys/identity';

const env = defaultEnv();
let ca: DemoCa;
let alice: Identity;
let bob: Identity;
let rsaBob: Identity;

const SIGN: SignOptions = { form: 'detached', hash: 'SHA-256', pss: false, chain: 'no-root' };
const CBC: EncryptOptions = {
  cipher: 'aes-256-cbc',
  keyTransport: 'rsaes-pkcs1-v1_5',
  recipientId: 'issuer-serial',
};
const trustAll: ChainValidator = async () => ({
  trusted: true,
  chain: ['test'],
  issues: [],
  revocation: 'unchecked',
  validAtSigningTime: null,
  validNow: true,
});

function message(from = 'Alice <alice@example.org>', date = new Date()): Uint8Array {
  return utf8(
    [
      `From: ${from}`,
      'To: bob@example.org',
      'Subject: unit',
      `Date: ${date.toUTCString()}`,
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Hello Bob.',
      '',
    ].join('\r\n'),
  );
}

const codes = (issues: { code: string }[]) => issues.map((i) => i.code);

beforeAll(async () => {
  ca = await createDemoCa(env, { keyType: 'P-256' });
  alice = await createDemoUser(ca, { name: 'Alice', email: 'alice@example.org', keyType: 'P-256' }, env);
  bob = await createDemoUser(ca, { name: 'Bob', email: 'bob@example.org', keyType: 'P-256' }, env);
  rsaBob = await createDemoUser(ca, { name: 'Bob RSA', email: 'bob@example.org', keyType: 'RSA-2048' }, env);
}, 60_000);

describe('signing and opening', () => {
  for (const form of ['detached', 'opaque'] as const) {
    it(`opens its own ${form} signature as valid, trusted, From bound, whole coverage`, async () => {
      const signed = await signMessage(message(), alice, { ...SIGN, form }, env);
      const v = await openMessage(signed, { keys: [], validateChain: trustAll }, env);
      expect(v.errors).toEqual([]);
      expect(v).toMatchObject({ valid: true, trusted: true, fromMatchesSigner: true });
      expect(v.coverage).toEqual({ kind: 'whole', signedPaths: [''], unsignedPaths: [] });
      expect(verdictExitCode(v)).toBe(0);
      expect(fromUtf8(v.content!)).toContain('Hello Bob.');
    });
  }
  it('gives the same verdict without the content copy when asked for the verdict only', async () => {
    const signed = await signMessage(message(), alice, SIGN, env);
    const full = await openMessage(signed, { keys: [], validateChain: trustAll }, env);
    const only = await openMessage(signed, { keys: [], validateChain: trustAll, verdictOnly: true }, env);
    expect(only.content).toBeNull();
    expect(verdictToJSON(only)).toEqual(verdictToJSON(full));
  });
  it('keeps From, To, Subject and Date outside the signed entity', async () => {
    const signed = fromUtf8(await signMessage(message(), alice, SIGN, env));
    const [head] = signed.split('\r\n\r\n');
    expect(head).toMatch(/^From: Alice/);
    expect(head).toContain('Subject: unit');
    expect(head).toContain('multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256');
  });
  it('says the signature is broken when the signed text was altered', async () => {
    const signed = fromUtf8(await signMessage(message(), alice, SIGN, env));
    const v = await openMessage(utf8(signed.replace('Hello Bob.', 'Hello Eve.')), { keys: [] }, env);
    expect(v.valid).toBe(false);
    expect(codes(v.errors)).toContain('cms.bad-signature');
    expect(verdictExitCode(v)).toBe(1);
  });
  it('does not bind a From address that is not the signer', async () => {
    const signed = await signMessage(message('Mallory <mallory@example.org>'), alice, SIGN, env);
    const v = await openMessage(signed, { keys: [], validateChain: trustAll }, env);
    expect(v.valid).toBe(true);
    expect(v.fromMatchesSigner).toBe(false);
    expect(verdictExitCode(v)).toBe(4);
  });
  it('does not bind a From header with two addresses', async () => {
    const signed = await signMessage(message('alice@example.org, bob@example.org'), alice, SIGN, env);
    expect((await openMessage(signed, { keys: [] }, env)).fromMatchesSigner).toBe(false);
  });
  it('matches From case-insensitively', async () => {
    const signed = await signMessage(message('ALICE@Example.ORG'), alice, SIGN, env);
    expect((await openMessage(signed, { keys: [] }, env)).fromMatchesSigner).toBe(true);
  });
  it('is untrusted (exit 3) without a chain validator', async () => {
    const v = await openMessage(await signMessage(message(), alice, SIGN, env), { keys: [] }, env);
    expect(v).toMatchObject({ valid: true, trusted: false });
    expect(verdictExitCode(v)).toBe(3);
  });
  it('refuses a signing time far from the Date header (replayed signed body)', async () => {
    const old = new Date(Date.now() - 3 * 86_400_000);
    const v = await openMessage(
      await signMessage(message(undefined, old), alice, SIGN, env),
      { keys: [] },
      env,
    );
    expect(v.valid).toBe(false);
    expect(codes(v.errors)).toContain('smime.signing-time-mismatch');
  });
  it('refuses two different signers over the same content', async () => {
    const once = await signMessage(message(), alice, SIGN, env);
    const twice = await signMessage(once, bob, SIGN, env);
    const v = await openMessage(twice, { keys: [] }, env);
    expect(v.valid).toBe(false);
    expect(codes(v.errors)).toContain('smime.several-signers');
  });
  it('shows partial coverage when a signed part sits in an unsigned multipart/mixed', async () => {
    const signedPart = await signMessage(message(), alice, SIGN, env);
    const entity = fromUtf8(signedPart).split('\r\n').slice(5).join('\r\n'); // drop From/To/Subject/Date/MIME-Version
    const outer = utf8(
      'From: Alice <alice@example.org>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="mix"\r\n\r\n' +
        `--mix\r\n${entity}\r\n--mix\r\nContent-Type: text/plain\r\n\r\nAdded by someone else.\r\n--mix--\r\n`,
    );
    const v = await openMessage(outer, { keys: [] }, env);
    expect(v.valid).toBe(false);
    expect(v.coverage).toEqual({ kind: 'partial', signedPaths: ['1'], unsignedPaths: ['2'] });
    expect(codes(v.warnings)).toContain('smime.partial-signature');
    expect(verdictExitCode(v)).toBe(5);
  });
  it(`stops after ${MAX_LAYERS} nested layers with a typed error`, async () => {
    let m = message();
    for (let i = 0; i <= MAX_LAYERS; i++) m = await signMessage(m, alice, SIGN, env);
    const v = await openMessage(m, { keys: [] }, env);
    expect(codes(v.errors)).toContain('smime.too-deep');
    expect(v.valid).toBe(false);
  });
});

describe('encrypting and opening', () => {
  it('flags CBC without a signature inside as not integrity protected', async () => {
    const enc = await encryptMessage(message(), [rsaBob.certificate], CBC, env);
    const v = await openMessage(enc, { keys: [rsaBob] }, env);
    expect(v.layers[0]).toMatchObject({
      kind: 'encrypted',
      structure: 'EnvelopedData',
      integrityProtected: false,
    });
    expect(codes(v.warnings)).toContain('smime.not-integrity-protected');
    expect(fromUtf8(v.content!)).toContain('Hello Bob.');
    expect(verdictExitCode(v)).toBe(1);
  });
  it('calls GCM (AuthEnvelopedData, authEnveloped-data) integrity protected', async () => {
    const enc = await encryptMessage(message(), [bob.certificate], { ...CBC, cipher: 'aes-128-gcm' }, env);
    expect(fromUtf8(enc)).toContain('smime-type=authEnveloped-data');
    const v = await openMessage(enc, { keys: [bob] }, env);
    expect(v.layers[0]).toMatchObject({ structure: 'AuthEnvelopedData', integrityProtected: true });
  });
  it('opens sign-then-encrypt as valid, and the signature protects CBC', async () => {
    const enc = await signAndEncrypt(
      message(),
      alice,
      SIGN,
      [rsaBob.certificate, alice.certificate],
      CBC,
      env,
    );
    const v = await openMessage(enc, { keys: [rsaBob], validateChain: trustAll }, env);
    expect(v.errors).toEqual([]);
    expect(v).toMatchObject({ valid: true, trusted: true, fromMatchesSigner: true });
    expect(v.layers.map((l) => l.kind)).toEqual(['encrypted', 'signed']);
    expect(v.layers[0]).toMatchObject({ integrityProtected: true });
  });
  it('ignores an outer signature around encryption, and opens the encryption inside', async () => {
    const enc = await encryptMessage(message(), [rsaBob.certificate], CBC, env);
    const v = await openMessage(await signMessage(enc, alice, SIGN, env), { keys: [rsaBob] }, env);
    expect(v.layers[0]).toMatchObject({ kind: 'signed' });
    expect(v.layers[0]!.kind === 'signed' && v.layers[0]!.ignored).toBeTruthy();
    expect(v.valid).toBe(false);
    expect(codes(v.warnings)).toContain('smime.outer-signature-ignored');
    expect(fromUtf8(v.content!)).toContain('Hello Bob.');
  });
  it('does not decrypt an encrypted part wrapped inside someone else\u2019s signature', async () => {
    const enc = await encryptMessage(message(), [rsaBob.certificate], CBC, env);
    const wrapped = await signMessage(await signMessage(enc, alice, SIGN, env), bob, SIGN, env);
    const v = await openMessage(wrapped, { keys: [rsaBob] }, env);
    expect(v.layers.some((l) => l.kind === 'encrypted')).toBe(false);
    expect(codes(v.warnings)).toContain('smime.nested-encryption-not-opened');
  });
  it('reports smime.no-key without keys and cms.decrypt-failed with the wrong key', async () => {
    const enc = await encryptMessage(message(), [rsaBob.certificate], CBC, env);
    expect(codes((await openMessage(enc, { keys: [] }, env)).errors)).toEqual(['smime.no-key']);
    const wrong = await openMessage(enc, { keys: [alice] }, env);
    expect(codes(wrong.errors)).toEqual(['cms.decrypt-failed']);
    expect(verdictExitCode(wrong)).toBe(13);
  });
  it('decryptMessage removes exactly one layer and keeps the outer headers', async () => {
    const enc = await signAndEncrypt(message(), alice, SIGN, [rsaBob.certificate], CBC, env);
    const { content, layer } = await decryptMessage(enc, [rsaBob], env);
    expect(layer.contentCipher).toBe('aes-256-cbc');
    expect(fromUtf8(content)).toMatch(/^From: Alice <alice@example.org>\r\n/);
    expect(fromUtf8(content)).toContain('multipart/signed');
  });
  it('fails loudly when there is no recipient', async () => {
    await expect(encryptMessage(message(), [], CBC, env)).rejects.toMatchObject({
      code: 'smime.no-recipient',
    });
  });
});

describe('malformed input becomes verdict errors, never an exception', () => {
  const cases: [string, Uint8Array][] = [
    ['empty input', new Uint8Array()],
    ['random bytes', new Uint8Array(Array.from({ length: 4096 }, (_, i) => (i * 7919) & 0xff))],
    [
      'pkcs7-mime with garbage base64 body',
      utf8(
        'Content-Type: application/pkcs7-mime; smime-type=signed-data\r\nContent-Transfer-Encoding: base64\r\n\r\nMIIB!!!!\r\n',
      ),
    ],
    [
      'pkcs7-mime with truncated DER',
      utf8(
        'Content-Type: application/pkcs7-mime; smime-type=enveloped-data\r\nContent-Transfer-Encoding: base64\r\n\r\nMIAGCSqGSIb3DQEHA6CAMIACAQAx\r\n',
      ),
    ],
    [
      'multipart/signed with one part',
      utf8(
        'Content-Type: multipart/signed; protocol="application/pkcs7-signature"; boundary=b\r\n\r\n--b\r\n\r\nx\r\n--b--\r\n',
      ),
    ],
    [
      'multipart/signed with a garbage signature',
      utf8(
        'Content-Type: multipart/signed; protocol="application/pkcs7-signature"; boundary=b\r\n\r\n--b\r\n\r\nx\r\n--b\r\n' +
          'Content-Type: application/pkcs7-signature\r\nContent-Transfer-Encoding: base64\r\n\r\nAAAA\r\n--b--\r\n',
      ),
    ],
  ];
  for (const [name, bytes] of cases) {
    it(name, async () => {
      const v = await openMessage(bytes, { keys: [alice] }, env);
      expect(v.valid).toBe(false);
      for (const e of [...v.errors, ...v.warnings]) expect(e.code).toMatch(/^[a-z]+\.[a-z0-9-]+$/);
    });
  }
  it('a deeply nested multipart gives a typed MIME error', async () => {
    const depth = 200;
    const open = Array.from(
      { length: depth },
      (_, i) => `Content-Type: multipart/mixed; boundary=b${i}\r\n\r\n--b${i}\r\n`,
    ).join('');
    const v = await openMessage(concatBytes(utf8(open), utf8('\r\nx\r\n')), { keys: [] }, env);
    expect(codes(v.errors)).toEqual(['mime.too-deep']);
  });
});

describe('verdictToJSON', () => {
  it('prints the documented fields, with signers[].email at the top level', async () => {
    const v = await openMessage(
      await signMessage(message(), alice, SIGN, env),
      { keys: [], validateChain: trustAll },
      env,
    );
    const json = JSON.parse(JSON.stringify(verdictToJSON(v))) as Record<string, unknown>;
    expect(json).toMatchObject({
      valid: true,
      trusted: true,
      fromMatchesSigner: true,
      coverage: { kind: 'whole' },
    });
    expect(json.signers).toEqual([expect.objectContaining({ email: 'alice@example.org', intact: true })]);
    expect(json.errors).toEqual([]);
  });
});
