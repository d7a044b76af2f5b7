/**
 * The address book with certificates from a real OpenSSL CA: picking the certificate to encrypt to,
 * SMIMEEncryptionKeyPreference, change reports, and the reason for every recipient that cannot be used.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultEnv } from '../../../shared/env';
import { createAddressBook, type CertificateChange } from '../../../shared/directory/address-book';
import { createMemoryAddressBookStore } from '../../../shared/directory/address-book-store';
import { parseEncryptionKeyPreference } from '../../../shared/directory/encryption-key-preference';
import type { ChainValidator } from '../../../shared/smime/verdict';
import { OpensslCa, type IssuedCertificate } from '../../stand-ins/openssl-ca';

const env = defaultEnv();
let ca: OpensslCa;
let otherCa: OpensslCa;
const c: Record<string, IssuedCertificate> = {};
const rsaEncrypt = (email: string): string[] => [
  `subjectAltName = email:${email}`,
  'keyUsage = critical,digitalSignature,keyEncipherment',
  'extendedKeyUsage = emailProtection',
  'subjectKeyIdentifier = hash',
];

beforeAll(() => {
  ca = new OpensslCa();
  otherCa = new OpensslCa('/CN=Another CA');
  c.alice = ca.issue({
    cn: 'Alice',
    keyType: 'rsa2048',
    extensions: rsaEncrypt('Alice@Example.TEST'),
    startDate: '20260101000000Z',
    endDate: '20300101000000Z',
  });
  c.aliceRenewed = ca.issue({
    cn: 'Alice',
    keyFrom: c.alice,
    extensions: rsaEncrypt('alice@example.test'),
    startDate: '20260601000000Z',
    endDate: '20310101000000Z',
  });
  c.aliceNewKey = ca.issue({ cn: 'Alice', keyType: 'rsa2048', extensions: rsaEncrypt('alice@example.test') });
  c.aliceOtherIssuer = otherCa.issue({
    cn: 'Alice',
    keyFrom: c.alice,
    extensions: rsaEncrypt('alice@example.test'),
  });
  c.bobExpired = ca.issue({
    cn: 'Bob',
    keyType: 'rsa2048',
    extensions: rsaEncrypt('bob@example.test'),
    startDate: '20200101000000Z',
    endDate: '20210101000000Z',
  });
  c.carolSignOnly = ca.issue({
    cn: 'Carol',
    extensions: [
      'subjectAltName = email:carol@example.test',
      'keyUsage = digitalSignature',
      'extendedKeyUsage = emailProtection',
    ],
  });
  c.daveEc = ca.issue({
    cn: 'Dave',
    extensions: [
      'subjectAltName = email:dave@example.test',
      'keyUsage = digitalSignature,keyAgreement',
      'subjectKeyIdentifier = hash',
    ],
  });
  c.eveServerAuth = ca.issue({
    cn: 'Eve',
    keyType: 'rsa2048',
    extensions: [
      'subjectAltName = email:eve@example.test',
      'keyUsage = keyEncipherment',
      'extendedKeyUsage = serverAuth',
    ],
  });
  c.frankSigning = ca.issue({
    cn: 'Frank',
    extensions: [
      'subjectAltName = email:frank@example.test',
      'keyUsage = digitalSignature',
      'subjectKeyIdentifier = hash',
    ],
  });
  c.frankEncryption = ca.issue({
    cn: 'Frank',
    keyType: 'rsa2048',
    extensions: [
      'subjectAltName = email:frank@example.test',
      'keyUsage = keyEncipherment',
      'subjectKeyIdentifier = hash',
    ],
    startDate: '20250101000000Z',
    endDate: '20300101000000Z',
  });
  c.frankNewer = ca.issue({
    cn: 'Frank',
    keyType: 'rsa2048',
    extensions: [
      'subjectAltName = email:frank@example.test',
      'keyUsage = keyEncipherment',
      'subjectKeyIdentifier = hash',
    ],
  });
});
afterAll(() => {
  ca?.remove();
  otherCa?.remove();
});

const book = (validateChain?: ChainValidator) =>
  createAddressBook({
    store: createMemoryAddressBookStore(),
    env,
    ...(validateChain ? { validateChain } : {}),
  });
// Read after beforeAll issued the certificates: their notBefore is the moment OpenSSL signed them.
const now = (): Date => new Date();

describe('address book', () => {
  it('files certificates by address case-insensitively and picks the newest valid one', async () => {
    const b = book();
    await b.addCertificate(c.alice!.der, { origin: 'imported' });
    await b.addCertificate(c.aliceRenewed!.der, { origin: 'directory' });
    expect(await b.certificatesFor('ALICE@example.test')).toHaveLength(2);
    const picked = await b.pickEncryptionCertificate('alice@EXAMPLE.test', now());
    expect(picked?.sha256).toBe(
      (await b.certificatesFor('alice@example.test')).find((r) => r.origin === 'directory')?.sha256,
    );
  });

  it('a renewal with the same key and issuer is not a change', async () => {
    const b = book();
    const changes: CertificateChange[] = [];
    b.onChange((ch) => changes.push(ch));
    await b.addCertificate(c.alice!.der, { origin: 'harvested' });
    const { changes: returned } = await b.addCertificate(c.aliceRenewed!.der, { origin: 'harvested' });
    expect(returned).toEqual([]);
    expect(changes).toEqual([]);
  });

  it('reports a move to another key and keeps the previous certificate', async () => {
    const b = book();
    const seen: CertificateChange[] = [];
    b.onChange((ch) => seen.push(ch));
    await b.addCertificate(c.alice!.der, { origin: 'harvested' });
    const { changes } = await b.addCertificate(c.aliceNewKey!.der, { origin: 'harvested' });
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ email: 'alice@example.test', kind: 'new-key' });
    expect(seen).toHaveLength(1);
    expect(await b.certificatesFor('alice@example.test')).toHaveLength(2);
  });

  it('reports the same key certified by another issuer', async () => {
    const b = book();
    await b.addCertificate(c.alice!.der, { origin: 'harvested' });
    const { changes } = await b.addCertificate(c.aliceOtherIssuer!.der, { origin: 'harvested' });
    expect(changes.map((ch) => ch.kind)).toEqual(['new-issuer']);
  });

  it('honours SMIMEEncryptionKeyPreference from a verified signed message over a newer certificate', async () => {
    const b = book();
    await b.addCertificate(c.frankNewer!.der, { origin: 'directory' });
    const ski =
      (await b.addCertificate(c.frankEncryption!.der, { origin: 'imported' }),
      (await b.certificatesFor('frank@example.test')).find((r) => r.notBefore === Date.UTC(2025, 0, 1))!
        .subjectKeyIdentifier!);
    // subjectAltKeyIdentifier [2] IMPLICIT OCTET STRING, as a signer's attribute carries it.
    const attribute = new Uint8Array([0x82, ski.length / 2, ...Buffer.from(ski, 'hex')]);
    const preference = parseEncryptionKeyPreference(attribute);
    await b.harvestFromVerifiedMessage({
      signerCertificate: c.frankSigning!.der,
      certificates: [c.frankSigning!.der, c.frankEncryption!.der],
      preference,
    });
    const picked = await b.pickEncryptionCertificate('frank@example.test', now());
    expect(picked?.subjectKeyIdentifier).toBe(ski);
  });

  it('harvests the signer certificate under the addresses it contains', async () => {
    const b = book();
    const { emails } = await b.harvestFromVerifiedMessage({ signerCertificate: c.daveEc!.der });
    expect(emails).toEqual(['dave@example.test']);
    expect((await b.certificatesFor('dave@example.test'))[0]?.origin).toBe('harvested');
  });

  it('explains every recipient that cannot be encrypted to', async () => {
    const b = book(async ({ certificate }) => ({
      trusted: !Buffer.from(certificate).equals(Buffer.from(c.aliceNewKey!.der)),
      chain: [],
      issues: [{ code: 'path.no-anchor', message: 'does not chain to a trusted authority' }],
      revocation: 'good',
      validAtSigningTime: null,
      validNow: true,
    }));
    await b.addCertificate(c.aliceNewKey!.der, { origin: 'directory' });
    await b.addCertificate(c.bobExpired!.der, { origin: 'imported' });
    await b.addCertificate(c.carolSignOnly!.der, { origin: 'harvested' });
    await b.addCertificate(c.daveEc!.der, { origin: 'harvested' });
    await b.addCertificate(c.eveServerAuth!.der, { origin: 'imported' });
    await b.addCertificate(c.frankNewer!.der, { origin: 'imported' });
    const frank = (await b.certificatesFor('frank@example.test'))[0]!;
    await b.recordRevocation('frank@example.test', frank.sha256, 'revoked');
    const result = await b.explainRecipients(
      [
        'alice@example.test',
        'bob@example.test',
        'carol@example.test',
        'Dave@Example.test',
        'eve@example.test',
        'frank@example.test',
        'zoe@example.test',
      ],
      now(),
    );
    expect(result.map((r) => [r.email, r.status, r.code])).toEqual([
      ['alice@example.test', 'untrusted', 'directory.certificate-untrusted'],
      ['bob@example.test', 'expired', 'directory.certificate-expired'],
      ['carol@example.test', 'no-encryption-key-usage', 'directory.no-encryption-key-usage'],
      ['dave@example.test', 'found', undefined],
      ['eve@example.test', 'no-encryption-key-usage', 'directory.no-encryption-key-usage'],
      ['frank@example.test', 'revoked', 'directory.certificate-revoked'],
      ['zoe@example.test', 'missing', 'directory.no-certificate'],
    ]);
    expect(result[1]?.message).toMatch(/expired on 2021-01-01/);
  });

  it('falls back to an older usable certificate when the newest is expired', async () => {
    const b = book();
    await b.addCertificate(c.alice!.der, { origin: 'imported' });
    const later = new Date('2030-06-01T00:00:00Z');
    const picked = await b.pickEncryptionCertificate('alice@example.test', later);
    expect(picked).toBeNull();
    await b.addCertificate(c.aliceRenewed!.der, { origin: 'imported' });
    expect((await b.pickEncryptionCertificate('alice@example.test', later))?.notAfter).toBe(
      Date.UTC(2031, 0, 1),
    );
  });
});
