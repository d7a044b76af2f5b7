/**
 * Reading the signer's SMIMECapabilities (RFC 8551 §2.5.2) from the signed attributes: the capability
 * OIDs in the signer's order, from Sello's own signatures and OpenSSL's, and an unreadable attribute
 * dropped (capabilities unknown) without failing the other attributes or the signature.
 */
import * as asn1js from 'asn1js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toArrayBuffer, utf8 } from '../../../shared/bytes';
import { OID } from '../../../shared/cms/algorithms';
import {
  derAlgorithm,
  derInteger,
  derOctetString,
  derOid,
  derSequence,
  derSetOf,
} from '../../../shared/cms/der-writer';
import { attribute, MAX_CAPABILITIES, readSignedAttributes } from '../../../shared/cms/signed-attributes';
import { createSignedData, verifySignedData } from '../../../shared/cms/signed-data';
import { env, makeCmsPki, type CmsPki } from './cms-pki';

const digest = new Uint8Array(32).fill(7);

/** The signed attributes as asn1js nodes, as SignerInfo hands them to readSignedAttributes. */
function read(...attrs: Uint8Array[]) {
  const set = derSetOf([
    attribute(OID.contentType, derOid(OID.data)),
    attribute(OID.messageDigest, derOctetString(digest)),
    ...attrs,
  ]);
  const { result } = asn1js.fromBER(toArrayBuffer(set));
  return readSignedAttributes((result as asn1js.Set).valueBlock.value);
}

describe('SMIMECapabilities in readSignedAttributes', () => {
  it('lists the capability OIDs in the signer’s order, ignoring parameters', () => {
    // RC2 carries its key size as a parameter (RFC 8551 §2.7.1); it must not upset the list.
    const caps = derSequence(
      derAlgorithm(OID.aes256Cbc),
      derAlgorithm(OID.rc2Cbc, derInteger(128)),
      derSequence(derOid(OID.aes128Cbc)),
      derAlgorithm(OID.desEde3Cbc),
    );
    const out = read(attribute(OID.smimeCapabilities, caps));
    expect(out.capabilities).toEqual([OID.aes256Cbc, OID.rc2Cbc, OID.aes128Cbc, OID.desEde3Cbc]);
    expect(out.messageDigest).toEqual(digest);
  });

  it('reads an empty list as "advertises nothing", and no attribute as unknown', () => {
    expect(read(attribute(OID.smimeCapabilities, derSequence())).capabilities).toEqual([]);
    expect(read().capabilities).toBeNull();
  });

  it(`keeps at most ${MAX_CAPABILITIES} distinct capabilities`, () => {
    const many = Array.from({ length: 200 }, (_, i) => derAlgorithm(`1.2.3.${i}`));
    const repeated = [derAlgorithm(OID.aes256Cbc), derAlgorithm(OID.aes256Cbc)];
    const out = read(attribute(OID.smimeCapabilities, derSequence(...repeated, ...many)));
    expect(out.capabilities).toHaveLength(MAX_CAPABILITIES);
    expect(out.capabilities?.slice(0, 2)).toEqual([OID.aes256Cbc, '1.2.3.0']);
  });

  const malformed: [string, Uint8Array[]][] = [
    ['a value that is not a SEQUENCE', [attribute(OID.smimeCapabilities, derOctetString(utf8('aes')))]],
    [
      'a capability without an OID',
      [attribute(OID.smimeCapabilities, derSequence(derSequence(derInteger(1))))],
    ],
    [
      'a capability that is not a SEQUENCE',
      [attribute(OID.smimeCapabilities, derSequence(derOid(OID.aes256Cbc)))],
    ],
    [
      'two values',
      [
        attribute(
          OID.smimeCapabilities,
          derSequence(derAlgorithm(OID.aes256Cbc)),
          derSequence(derAlgorithm(OID.aes128Cbc)),
        ),
      ],
    ],
    [
      'the attribute twice',
      [
        attribute(OID.smimeCapabilities, derSequence(derAlgorithm(OID.aes256Cbc))),
        attribute(OID.smimeCapabilities, derSequence(derAlgorithm(OID.aes128Cbc))),
      ],
    ],
  ];
  for (const [what, attrs] of malformed) {
    it(`drops ${what} and still reads the other attributes`, () => {
      const out = read(...attrs);
      expect(out.capabilities).toBeNull();
      expect(out.contentType).toBe(OID.data);
      expect(out.messageDigest).toEqual(digest);
    });
  }
});

describe('SMIMECapabilities through verifySignedData', () => {
  let p: CmsPki;
  afterAll(() => p?.dispose());
  beforeAll(() => {
    p = makeCmsPki([{ name: 'Rsa', keyType: 'rsa2048' }]);
  });
  const content = utf8('Content-Type: text/plain\r\n\r\ncapabilities\r\n');

  it('reads back what Sello writes, GCM first', async () => {
    const der = await createSignedData(
      {
        content,
        detached: true,
        signer: p.users.Rsa!.identity,
        hash: 'SHA-256',
        pss: false,
        certificates: [],
      },
      env,
    );
    const r = await verifySignedData(der, { detachedContent: content }, env);
    expect(r.signers[0]).toMatchObject({ intact: true });
    expect(r.signers[0]!.capabilities).toEqual([
      OID.aes256Gcm,
      OID.aes128Gcm,
      OID.aes256Cbc,
      OID.aes128Cbc,
      OID.rsaesOaep,
    ]);
  });

  it('reads OpenSSL’s default list (AES-CBC, no GCM) and nothing when -nosmimecap', async () => {
    const u = p.users.Rsa!;
    const sign = (...extra: string[]) =>
      p.openssl(['cms', '-sign', '-binary', '-in', p.file('c.bin', content), '-signer', u.certPem, '-inkey', u.keyPem,
        '-md', 'sha256', '-outform', 'DER', ...extra]); // prettier-ignore
    const withCaps = await verifySignedData(sign(), { detachedContent: content }, env);
    expect(withCaps.signers[0]).toMatchObject({ intact: true });
    const caps = withCaps.signers[0]!.capabilities ?? [];
    expect(caps.slice(0, 1)).toEqual([OID.aes256Cbc]);
    expect(caps).toContain(OID.aes128Cbc);
    expect(caps).not.toContain(OID.aes256Gcm);
    const without = await verifySignedData(sign('-nosmimecap'), { detachedContent: content }, env);
    expect(without.signers[0]).toMatchObject({ intact: true, capabilities: null });
  });
});
