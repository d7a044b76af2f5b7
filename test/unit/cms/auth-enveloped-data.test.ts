import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { utf8 } from '../../../shared/bytes';
import { OID } from '../../../shared/cms/algorithms';
import { encodeContentInfo } from '../../../shared/cms/content-info';
import { DECRYPT_FAILED_MESSAGE } from '../../../shared/cms/decrypt-failure';
import {
  derAlgorithm,
  derInteger,
  derOctetString,
  derOid,
  derSequence,
  derSetOf,
  retag,
} from '../../../shared/cms/der-writer';
import { encodeEncryptedContentInfo } from '../../../shared/cms/encrypted-content-info';
import { decryptEnvelopedData } from '../../../shared/cms/enveloped-data';
import { buildRecipientInfos } from '../../../shared/cms/recipient-infos';
import { attribute } from '../../../shared/cms/signed-attributes';
import { env, makeCmsPki, type CmsPki } from './cms-pki';

let p: CmsPki;
afterAll(() => p?.dispose());
beforeAll(() => {
  p = makeCmsPki([{ name: 'Rsa', keyType: 'rsa2048' }]);
});

const content = utf8('authenticated attributes are additional data\r\n');

/**
 * RFC 5083 §2.1 authAttrs [1], MACed as their DER SET OF (§2.2). Built by hand: OpenSSL 3.0 decodes
 * authAttrs under the wrong tag and cannot read them, and Sello never writes them.
 */
async function withAuthAttrs(icvLen = 16): Promise<Uint8Array> {
  const cek = env.crypto.getRandomValues(new Uint8Array(32));
  const iv = env.crypto.getRandomValues(new Uint8Array(12));
  const { infos } = await buildRecipientInfos(
    [p.users.Rsa!.certDer],
    cek,
    { keyTransport: 'rsaes-oaep-sha256', recipientId: 'issuer-serial' },
    env,
  );
  const authAttrs = derSetOf([attribute(OID.contentType, derOid(OID.data))]);
  const key = await env.crypto.subtle.importKey('raw', cek, 'AES-GCM', false, ['encrypt']);
  const sealed = new Uint8Array(
    await env.crypto.subtle.encrypt(
      { name: 'AES-GCM', iv, additionalData: authAttrs as Uint8Array<ArrayBuffer>, tagLength: icvLen * 8 },
      key,
      content as Uint8Array<ArrayBuffer>,
    ),
  );
  const eci = encodeEncryptedContentInfo(
    derAlgorithm(
      OID.aes256Gcm,
      derSequence(derOctetString(iv), ...(icvLen === 12 ? [] : [derInteger(icvLen)])),
    ),
    sealed.subarray(0, sealed.length - icvLen),
  );
  const aed = derSequence(
    derInteger(0),
    derSetOf(infos),
    eci,
    retag(authAttrs, 0xa1),
    derOctetString(sealed.subarray(sealed.length - icvLen)),
  );
  return encodeContentInfo(OID.authEnvelopedData, aed);
}

describe('AuthEnvelopedData', () => {
  it('authenticates authAttrs as additional data', async () => {
    const der = await withAuthAttrs();
    const r = await decryptEnvelopedData(der, p.users.Rsa!.identity, env);
    expect(r).toMatchObject({ content, structure: 'AuthEnvelopedData', contentCipher: 'aes-256-gcm' });
  });

  it('reads the default 12-octet ICV when aes-ICVlen is absent', async () => {
    const r = await decryptEnvelopedData(await withAuthAttrs(12), p.users.Rsa!.identity, env);
    expect(r.content).toEqual(content);
  });

  it('fails as any other decryption failure when authAttrs were altered', async () => {
    const der = await withAuthAttrs();
    // pkcs7-data OID's last octet inside the authAttrs, just before the 18-byte mac.
    const at = der.length - 18 - 1;
    expect(der[at]).toBe(0x01);
    der[at] = 0x02;
    await expect(decryptEnvelopedData(der, p.users.Rsa!.identity, env)).rejects.toMatchObject({
      code: 'cms.decrypt-failed',
      message: DECRYPT_FAILED_MESSAGE,
    });
  });
});
