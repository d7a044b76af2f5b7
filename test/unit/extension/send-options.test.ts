/**
 * The send path's settings (extension/background/send-options.ts) change what the core writes: each
 * test flips one setting and checks the produced S/MIME (opened by shared/smime openMessage) or the
 * plan, so a setting the send path ignored would fail here.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { utf8 } from '../../../shared/bytes';
import { defaultEnv } from '../../../shared/env';
import type { Identity } from '../../../shared/keys/identity';
import { decodeBody, getHeader, parseMessage } from '../../../shared/mime';
import { defaultSettings, type SettingKey, type Settings } from '../../../shared/policy/settings-definition';
import { createDemoCa, createDemoUser } from '../../../shared/smime/demo-pki';
import { encryptMessage } from '../../../shared/smime/encrypt';
import { openMessage } from '../../../shared/smime/open';
import { signMessage } from '../../../shared/smime/sign';
import type { EncryptionLayer, SignatureLayer } from '../../../shared/smime/verdict';
import {
  assertSoftKeysAllowed,
  chooseSigningIdentity,
  encryptOptionsFrom,
  envelopesFor,
  protectionFor,
  replyDefaults,
  sendValidationSettings,
  signOptionsFrom,
  wrapSteps,
} from '../../../extension/background/send-options';

const env = defaultEnv();
let alice: Identity;
let bob: Identity;
let caCertificate: Uint8Array;

const with_ = (patch: Partial<Settings>): Settings => ({ ...defaultSettings(), ...patch });
const message = utf8(
  'From: alice@example.org\r\nTo: bob@example.org\r\nSubject: s\r\nContent-Type: text/plain\r\n\r\nHello.\r\n',
);
// id-aa-smimeCapabilities 1.2.840.113549.1.9.15
const SMIME_CAPABILITIES_OID = [0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x0f];

function contains(hay: Uint8Array, needle: number[]): boolean {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

/** The CMS of a signed message (detached: the signature part; opaque: the body). */
function cmsOf(signed: Uint8Array): Uint8Array {
  const root = parseMessage(signed);
  return decodeBody(root.children.length ? root.children[1]! : root);
}

/** The runs the send path makes: steps of wrapSteps with the options from the settings. */
async function send(settings: Settings, recipients: Uint8Array[], p = { sign: true, encrypt: true }) {
  let out = message;
  for (const step of wrapSteps(settings, p)) {
    out =
      step === 'sign'
        ? await signMessage(out, alice, signOptionsFrom(settings), env)
        : await encryptMessage(out, recipients, encryptOptionsFrom(settings), env);
  }
  return out;
}

async function open(m: Uint8Array, keys: Identity[] = [bob], allowWeak = false) {
  return openMessage(m, { keys, allowWeak }, env);
}

beforeAll(async () => {
  const ca = await createDemoCa(env, { keyType: 'RSA-2048' });
  caCertificate = ca.certificate;
  alice = await createDemoUser(ca, { name: 'Alice', email: 'alice@example.org', keyType: 'RSA-2048' }, env);
  bob = await createDemoUser(ca, { name: 'Bob', email: 'bob@example.org', keyType: 'RSA-2048' }, env);
}, 120_000);

describe('what is protected', () => {
  const effective = (patch: Partial<Settings>, locked: SettingKey[] = []) => ({
    values: with_(patch),
    locked: new Set(locked),
  });
  const off = { sign: false, encrypt: false };

  it('a managed alwaysSign/alwaysEncrypt turns protection on whatever the draft says, never off', () => {
    expect(protectionFor(effective({}), off)).toEqual(off);
    expect(protectionFor(effective({ alwaysSign: true }, ['alwaysSign']), off)).toEqual({
      sign: true,
      encrypt: false,
    });
    expect(protectionFor(effective({ alwaysEncrypt: true }, ['alwaysEncrypt']), off)).toEqual({
      sign: false,
      encrypt: true,
    });
    expect(protectionFor(effective({}), { sign: true, encrypt: true })).toEqual({
      sign: true,
      encrypt: true,
    });
  });

  it("a user's own alwaysSign/alwaysEncrypt is only a default: unchecking it for one message holds", () => {
    const userLevel = effective({ alwaysSign: true, alwaysEncrypt: true });
    expect(protectionFor(userLevel, off)).toEqual(off);
    expect(protectionFor(userLevel, { sign: true, encrypt: false })).toEqual({ sign: true, encrypt: false });
    // A managed value of false locks nothing on.
    expect(protectionFor(effective({}, ['alwaysSign', 'alwaysEncrypt']), off)).toEqual(off);
  });

  it('noSignOnReply starts replies unsigned, unless alwaysSign is set', () => {
    expect(replyDefaults(with_({})).sign).toBe(true);
    expect(replyDefaults(with_({ noSignOnReply: true })).sign).toBe(false);
    expect(replyDefaults(with_({ noSignOnReply: true, alwaysSign: true })).sign).toBe(true);
  });
});

describe('signing settings reach the signature', () => {
  it('signingForm: detached is multipart/signed, opaque is signed-data', async () => {
    const detached = await send(with_({ signingForm: 'detached' }), [], { sign: true, encrypt: false });
    const opaque = await send(with_({ signingForm: 'opaque' }), [], { sign: true, encrypt: false });
    expect(getHeader(parseMessage(detached), 'Content-Type')).toMatch(/multipart\/signed/);
    expect(getHeader(parseMessage(opaque), 'Content-Type')).toMatch(/smime-type=signed-data/);
    const v = await open(opaque);
    expect((v.layers[0] as SignatureLayer).form).toBe('opaque');
  });

  it('signingHash and rsaPss choose the digest and signature algorithm', async () => {
    const v = await open(
      await send(with_({ signingHash: 'sha512', rsaPss: true }), [], { sign: true, encrypt: false }),
    );
    const signer = (v.layers[0] as SignatureLayer).signers[0]!;
    expect(signer.digestAlgorithm).toBe('SHA-512');
    expect(signer.signatureAlgorithm).toMatch(/pss/i);
    const plain = await open(
      await send(with_({ signingHash: 'sha384' }), [], { sign: true, encrypt: false }),
    );
    const s2 = (plain.layers[0] as SignatureLayer).signers[0]!;
    expect(s2.digestAlgorithm).toBe('SHA-384');
    expect(s2.signatureAlgorithm).not.toMatch(/pss/i);
  });

  it('certificateInclusion: full carries the root, no-root and none leave it out', async () => {
    const root = [...caCertificate];
    const signed = async (certificateInclusion: Settings['certificateInclusion']) =>
      cmsOf(await send(with_({ certificateInclusion }), [], { sign: true, encrypt: false }));
    expect(contains(await signed('full'), root)).toBe(true);
    expect(contains(await signed('no-root'), root)).toBe(false);
    expect(contains(await signed('none'), root)).toBe(false);
    expect(signOptionsFrom(with_({ certificateInclusion: 'none' })).chain).toBe('none');
  });

  it('includeSmimeCapabilities adds or leaves out the SMIMECapabilities attribute', async () => {
    const on = await send(with_({ includeSmimeCapabilities: true }), [], { sign: true, encrypt: false });
    const off = await send(with_({ includeSmimeCapabilities: false }), [], { sign: true, encrypt: false });
    expect(contains(cmsOf(on), SMIME_CAPABILITIES_OID)).toBe(true);
    expect(contains(cmsOf(off), SMIME_CAPABILITIES_OID)).toBe(false);
    expect(((await open(off)).layers[0] as SignatureLayer).signers[0]!.intact).toBe(true);
  });

  it('includeEncryptionCertificate passes the own encryption certificate only when on', () => {
    const cert = bob.certificate;
    expect(signOptionsFrom(with_({ includeEncryptionCertificate: true }), cert).encryptionCertificate).toBe(
      cert,
    );
    expect(
      signOptionsFrom(with_({ includeEncryptionCertificate: false }), cert).encryptionCertificate,
    ).toBeUndefined();
  });
});

describe('encryption settings reach the envelope', () => {
  it('encryptionAlgorithm and keyTransport choose cipher and key management', async () => {
    const v = await open(
      await send(
        with_({ encryptionAlgorithm: 'aes-128-gcm', keyTransport: 'rsaes-oaep-sha256' }),
        [bob.certificate],
        {
          sign: false,
          encrypt: true,
        },
      ),
    );
    const layer = v.layers[0] as EncryptionLayer;
    expect(layer.contentCipher).toBe('aes-128-gcm');
    expect(layer.structure).toBe('AuthEnvelopedData');
    expect(layer.keyManagement).toBe('rsaes-oaep-sha256');
  });

  it('useKeyIdentifier addresses recipients by subjectKeyIdentifier', async () => {
    expect(encryptOptionsFrom(with_({ useKeyIdentifier: true })).recipientId).toBe('ski');
    expect(encryptOptionsFrom(with_({})).recipientId).toBe('issuer-serial');
    const ski = await send(with_({ useKeyIdentifier: true }), [bob.certificate], {
      sign: false,
      encrypt: true,
    });
    expect((await open(ski)).layers[0]!.kind).toBe('encrypted'); // Bob still finds his RecipientInfo
  });

  it('tripleWrap signs, encrypts and signs again (three layers); off gives two', async () => {
    const triple = await open(await send(with_({ tripleWrap: true }), [bob.certificate]));
    expect(triple.layers.map((l) => l.kind)).toEqual(['signed', 'encrypted', 'signed']);
    const two = await open(await send(with_({ tripleWrap: false }), [bob.certificate]));
    expect(two.layers.map((l) => l.kind)).toEqual(['encrypted', 'signed']);
    expect(wrapSteps(with_({ tripleWrap: true }), { sign: true, encrypt: false })).toEqual(['sign']);
  });
});

describe('bccForking splits encrypted mail so Bcc recipients are not revealed', () => {
  const r = { to: ['bob@example.org'], cc: ['cc@example.org'], bcc: ['b1@example.org', 'B2@example.org'] };

  it('per-bcc-recipient: To/Cc get one message without Bcc certificates, each Bcc their own', () => {
    expect(envelopesFor(with_({ bccForking: 'per-bcc-recipient' }), r, 'alice@example.org', true)).toEqual([
      {
        recipients: ['bob@example.org', 'cc@example.org'],
        encryptTo: ['bob@example.org', 'cc@example.org', 'alice@example.org'],
      },
      { recipients: ['b1@example.org'], encryptTo: ['b1@example.org', 'alice@example.org'] },
      { recipients: ['b2@example.org'], encryptTo: ['b2@example.org', 'alice@example.org'] },
    ]);
  });

  it('one-for-all-bcc: one message to To/Cc and one shared by all Bcc', () => {
    const e = envelopesFor(with_({ bccForking: 'one-for-all-bcc' }), r, 'alice@example.org', true);
    expect(e).toHaveLength(2);
    expect(e[0]!.encryptTo).not.toContain('b1@example.org');
    expect(e[1]).toEqual({
      recipients: ['b1@example.org', 'b2@example.org'],
      encryptTo: ['b1@example.org', 'b2@example.org', 'alice@example.org'],
    });
  });

  it('no-forking: one message encrypted to everybody', () => {
    const e = envelopesFor(with_({ bccForking: 'no-forking' }), r, 'alice@example.org', true);
    expect(e).toHaveLength(1);
    expect(e[0]!.encryptTo).toEqual([
      'bob@example.org',
      'cc@example.org',
      'b1@example.org',
      'b2@example.org',
      'alice@example.org',
    ]);
  });

  it('unencrypted mail is one message (Bcc never enters its headers)', () => {
    expect(
      envelopesFor(with_({ bccForking: 'per-bcc-recipient' }), r, 'alice@example.org', false),
    ).toHaveLength(1);
  });

  it('the To message really holds no RecipientInfo for a Bcc recipient', async () => {
    const [main] = envelopesFor(
      with_({}),
      { to: ['bob@example.org'], cc: [], bcc: ['alice@example.org'] },
      'bob@example.org',
      true,
    );
    // Bob sends to himself with Alice in Bcc: the To copy is encrypted to Bob only.
    const certs = { 'bob@example.org': bob.certificate, 'alice@example.org': alice.certificate } as Record<
      string,
      Uint8Array
    >;
    const out = await send(
      with_({}),
      main!.encryptTo.map((a) => certs[a]!),
      { sign: false, encrypt: true },
    );
    expect(((await open(out)).layers[0] as EncryptionLayer).recipientCount).toBe(1);
  });
});

describe('revocation while sending', () => {
  it('checkRevocationOnSend makes the send-time validation hard-fail', () => {
    expect(sendValidationSettings(with_({ revocationMode: 'soft-fail' })).revocationMode).toBe('soft-fail');
    expect(
      sendValidationSettings(with_({ revocationMode: 'soft-fail', checkRevocationOnSend: true }))
        .revocationMode,
    ).toBe('hard-fail');
    expect(
      sendValidationSettings(with_({ revocationMode: 'off', checkRevocationOnSend: true })).revocationMode,
    ).toBe('hard-fail');
  });
});

describe('software keys', () => {
  it('allowSoftCertificates false refuses any use of a software private key', () => {
    expect(() => assertSoftKeysAllowed(with_({ allowSoftCertificates: false }))).toThrow(
      expect.objectContaining({ code: 'keystore.soft-certificates-disabled' }),
    );
    expect(() => assertSoftKeysAllowed(with_({}))).not.toThrow();
  });
});

describe('signing certificate choice', () => {
  it('allowUserChoiceOfSigningCertificate: the user default when allowed, else the newest valid one', () => {
    const views = [
      { id: 'newest', isDefaultSigning: false },
      { id: 'chosen', isDefaultSigning: true },
    ];
    expect(chooseSigningIdentity(with_({}), views)?.id).toBe('chosen');
    expect(chooseSigningIdentity(with_({ allowUserChoiceOfSigningCertificate: false }), views)?.id).toBe(
      'newest',
    );
  });
});
