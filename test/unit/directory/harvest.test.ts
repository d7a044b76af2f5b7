/**
 * Harvesting SMIMEEncryptionKeyPreference and SMIMECapabilities end to end: Sello signs with a
 * separate encryption certificate (sign.ts encryptionCertificate), openMessage reads the signed
 * attributes into the Verdict, harvestVerdict files the certificates, and pickEncryptionCertificate
 * returns the one the signer named rather than the newer signing certificate. Keys come from the
 * in-process demo PKI.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { toHex } from '../../../shared/bytes';
import { parseEncryptionKeyPreference } from '../../../shared/cms/encryption-key-preference';
import { defaultEnv } from '../../../shared/env';
import { createAddressBook } from '../../../shared/directory/address-book';
import { createMemoryAddressBookStore } from '../../../shared/directory/address-book-store';
import { harvestVerdict } from '../../../shared/directory/harvest';
import type { Identity } from '../../../shared/keys/identity';
import { summarizeCertificate } from '../../../shared/smime/certificate-summary';
import { createDemoCa, createDemoUser, type DemoCa } from '../../../shared/smime/demo-pki';
import { openMessage } from '../../../shared/smime/open';
import { signMessage, type SignOptions } from '../../../shared/smime/sign';
import { verdictToJSON, type ChainValidator, type Verdict } from '../../../shared/smime/verdict';
import { utf8 } from '../../../shared/bytes';

const env = defaultEnv();
let ca: DemoCa;
let aliceSigning: Identity;
let aliceEncryption: Identity;

const SIGN: SignOptions = { form: 'detached', hash: 'SHA-256', pss: false, chain: 'no-root' };
const trustAll: ChainValidator = async () => ({
  trusted: true,
  chain: ['test'],
  issues: [],
  revocation: 'unchecked',
  validAtSigningTime: null,
  validNow: true,
});

const message = (): Uint8Array =>
  utf8(
    [
      'From: Alice <alice@example.org>',
      'To: bob@example.org',
      'Subject: keys',
      `Date: ${new Date().toUTCString()}`,
      'Content-Type: text/plain; charset=utf-8',
      '',
      'My encryption certificate comes with this message.',
      '',
    ].join('\r\n'),
  );

beforeAll(async () => {
  ca = await createDemoCa(env, { keyType: 'P-256' });
  // The encryption certificate is older than the signing one: "newest" alone would pick the latter.
  aliceEncryption = await createDemoUser(
    ca,
    {
      name: 'Alice (encryption)',
      email: 'alice@example.org',
      keyType: 'RSA-2048',
      notBefore: new Date(Date.now() - 10 * 86_400_000),
    },
    env,
  );
  aliceSigning = await createDemoUser(
    ca,
    { name: 'Alice', email: 'alice@example.org', keyType: 'P-256' },
    env,
  );
}, 60_000);

const book = () => createAddressBook({ store: createMemoryAddressBookStore(), env });
const sha256 = async (der: Uint8Array): Promise<string> =>
  toHex(new Uint8Array(await env.crypto.subtle.digest('SHA-256', der as Uint8Array<ArrayBuffer>)));

describe('SMIMEEncryptionKeyPreference, from signing to the address book', () => {
  let verdict: Verdict;
  beforeAll(async () => {
    const signed = await signMessage(
      message(),
      aliceSigning,
      { ...SIGN, encryptionCertificate: aliceEncryption.certificate },
      env,
    );
    verdict = await openMessage(signed, { keys: [], validateChain: trustAll }, env);
  });

  it('is read from the signed attributes into the Verdict and its JSON', () => {
    expect(verdict.valid).toBe(true);
    const layer = verdict.layers[0];
    if (layer?.kind !== 'signed') throw new Error('expected a signature layer');
    const enc = summarizeCertificate(aliceEncryption.certificate);
    const preference = layer.signers[0]?.encryptionKeyPreference;
    expect(preference).toMatchObject({ serialNumber: expect.any(String), issuerDer: expect.any(String) });
    expect(BigInt(`0x${(preference as { serialNumber: string }).serialNumber}`)).toBe(
      BigInt(`0x${enc.serialNumber.replace(/:/g, '')}`),
    );
    // The message carries the encryption certificate for the reader to harvest.
    expect(layer.certificates?.some((c) => toHex(c) === toHex(aliceEncryption.certificate))).toBe(true);
    expect(verdictToJSON(verdict).signers[0]?.encryptionKeyPreference).toEqual(preference);
  });

  it('is harvested, and pickEncryptionCertificate returns the encryption certificate', async () => {
    const b = book();
    await harvestVerdict(b, verdict);
    const filed = await b.certificatesFor('alice@example.org');
    expect(filed).toHaveLength(2);
    const picked = await b.pickEncryptionCertificate('alice@example.org', new Date());
    expect(picked?.sha256).toBe(await sha256(aliceEncryption.certificate));
  });

  it('without the attribute the newest certificate that can encrypt is picked (the signing one)', async () => {
    const signed = await signMessage(message(), aliceSigning, SIGN, env);
    const plain = await openMessage(signed, { keys: [], validateChain: trustAll }, env);
    expect(verdictToJSON(plain).signers[0]?.encryptionKeyPreference).toBeNull();
    const b = book();
    await harvestVerdict(b, plain);
    const picked = await b.pickEncryptionCertificate('alice@example.org', new Date());
    expect(picked?.sha256).toBe(await sha256(aliceSigning.certificate));
  });

  it('harvests nothing from a message whose signature does not verify', async () => {
    const signed = await signMessage(
      message(),
      aliceSigning,
      { ...SIGN, encryptionCertificate: aliceEncryption.certificate },
      env,
    );
    const text = new TextDecoder().decode(signed).replace('My encryption', 'My forged');
    const altered = await openMessage(utf8(text), { keys: [], validateChain: trustAll }, env);
    expect(altered.valid).toBe(false);
    const b = book();
    expect(await harvestVerdict(b, altered)).toEqual([]);
    expect(await b.certificatesFor('alice@example.org')).toEqual([]);
  });
});

describe('the three forms of the CHOICE', () => {
  const keyId = [0x01, 0x02, 0x03, 0x04];
  it('reads rKeyId [1] (RecipientKeyIdentifier) by its subjectKeyIdentifier', () => {
    // [1] IMPLICIT SEQUENCE { OCTET STRING keyId, GeneralizedTime date }
    const date = [...Buffer.from('20260101000000Z')];
    const inner = [0x04, keyId.length, ...keyId, 0x18, date.length, ...date];
    expect(parseEncryptionKeyPreference(new Uint8Array([0xa1, inner.length, ...inner]))).toEqual({
      subjectKeyIdentifier: '01020304',
    });
  });

  it('reads subjectAltKeyIdentifier [2]', () => {
    expect(parseEncryptionKeyPreference(new Uint8Array([0x82, keyId.length, ...keyId]))).toEqual({
      subjectKeyIdentifier: '01020304',
    });
  });

  it('refuses an unknown alternative with a typed error', () => {
    expect(() => parseEncryptionKeyPreference(new Uint8Array([0x83, 1, 0]))).toThrow(
      expect.objectContaining({ code: 'smime.malformed-key-preference' }),
    );
  });
});

describe('SMIMECapabilities, from the signed message to the address book', () => {
  const AES256_GCM = '2.16.840.1.101.3.4.1.46';
  const AES256_CBC = '2.16.840.1.101.3.4.1.42';
  const AES128_CBC = '2.16.840.1.101.3.4.1.2';

  it('are read into the Verdict and harvested under the signer’s address and encryption certificate', async () => {
    const signed = await signMessage(
      message(),
      aliceSigning,
      { ...SIGN, encryptionCertificate: aliceEncryption.certificate },
      env,
    );
    const verdict = await openMessage(signed, { keys: [], validateChain: trustAll }, env);
    const caps = verdictToJSON(verdict).signers[0]?.capabilities;
    expect(caps?.slice(0, 3)).toEqual([AES256_GCM, '2.16.840.1.101.3.4.1.6', AES256_CBC]);
    const b = book();
    await harvestVerdict(b, verdict);
    expect(await b.capabilitiesFor('Alice@Example.org')).toEqual(caps);
    const records = await b.certificatesFor('alice@example.org');
    expect(records).toHaveLength(2);
    for (const r of records) expect(r.capabilities?.oids).toEqual(caps);
    expect(await b.capabilitiesFor('bob@example.org')).toBeUndefined();
  });

  it('a message signed without them harvests the certificate but no capabilities', async () => {
    const signed = await signMessage(message(), aliceSigning, { ...SIGN, capabilities: false }, env);
    const verdict = await openMessage(signed, { keys: [], validateChain: trustAll }, env);
    expect(verdictToJSON(verdict).signers[0]?.capabilities).toBeNull();
    const b = book();
    await harvestVerdict(b, verdict);
    expect(await b.certificatesFor('alice@example.org')).toHaveLength(1);
    expect(await b.capabilitiesFor('alice@example.org')).toBeUndefined();
  });

  it('the newest message wins, by signing time, whatever order they are read in', async () => {
    const b = book();
    const day = 86_400_000;
    const harvest = (capabilities: string[] | undefined, daysAgo: number, certificate = aliceSigning) =>
      b.harvestFromVerifiedMessage({
        signerCertificate: certificate.certificate,
        ...(capabilities ? { capabilities } : {}),
        signingTime: new Date(Date.now() - daysAgo * day),
      });
    await harvest([AES256_CBC], 2);
    expect(await b.capabilitiesFor('alice@example.org')).toEqual([AES256_CBC]);
    await harvest([AES128_CBC], 5); // an older message opened later
    expect(await b.capabilitiesFor('alice@example.org')).toEqual([AES256_CBC]);
    await harvest(undefined, 0); // a newer message without the attribute tells nothing new
    expect(await b.capabilitiesFor('alice@example.org')).toEqual([AES256_CBC]);
    // A newer message signed with another of Alice's certificates: the address follows it.
    await harvest([AES256_GCM, AES256_CBC], 1, aliceEncryption);
    expect(await b.capabilitiesFor('alice@example.org')).toEqual([AES256_GCM, AES256_CBC]);
  });

  it('a signing time in the future counts as now, so it cannot pin the list', async () => {
    const b = book();
    await b.harvestFromVerifiedMessage({
      signerCertificate: aliceSigning.certificate,
      capabilities: [AES128_CBC],
      signingTime: new Date(Date.now() + 365 * 86_400_000),
    });
    const [record] = await b.certificatesFor('alice@example.org');
    expect(record?.capabilities?.seenAt).toBeLessThanOrEqual(Date.now());
    await b.harvestFromVerifiedMessage({
      signerCertificate: aliceSigning.certificate,
      capabilities: [AES256_CBC],
      signingTime: new Date(Date.now() + 1000),
    });
    expect(await b.capabilitiesFor('alice@example.org')).toEqual([AES256_CBC]);
  });
});
