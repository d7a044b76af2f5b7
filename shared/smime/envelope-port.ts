/**
 * Interim EnvelopedData / AuthEnvelopedData (RFC 5652 §6, RFC 5083/5084) for the S/MIME layer until
 * shared/cms lands: RSA key transport (PKCS#1 v1.5 with implicit rejection, OAEP SHA-1/SHA-256) and
 * AES-CBC/GCM written; legacy 3DES/DES/RC2 and ECDH (via PKI.js) read. Every decryption failure is
 * `cms.decrypt-failed` with one message, whatever went wrong (no oracle).
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { equalBytes, toArrayBuffer } from '../bytes';
import type { CoreEnv } from '../env';
import { SelloError } from '../errors';
import { legacyCbcDecrypt, rc2EffectiveBitsFromVersion } from '../crypto/legacy-ciphers';
import { rsaPkcs1v15DecryptImplicit, rsaPkcs1v15Encrypt } from '../crypto/rsa-pkcs1v15';
import type { Identity } from '../keys/identity';
import { readCertificateFields } from '../keys/certificate-fields';
import type { Decryption } from './cms-port';
import type { EncryptOptions } from './encrypt';

const OIDS = {
  data: '1.2.840.113549.1.7.1',
  envelopedData: '1.2.840.113549.1.7.3',
  authEnvelopedData: '1.2.840.113549.1.9.16.1.23',
  rsaEncryption: '1.2.840.113549.1.1.1',
  rsaOaep: '1.2.840.113549.1.1.7',
  mgf1: '1.2.840.113549.1.1.8',
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
} as const;

const CONTENT_CIPHERS: Record<string, { name: string; mode: 'cbc' | 'gcm' | 'legacy'; keyLength: number }> = {
  '2.16.840.1.101.3.4.1.2': { name: 'aes-128-cbc', mode: 'cbc', keyLength: 16 },
  '2.16.840.1.101.3.4.1.22': { name: 'aes-192-cbc', mode: 'cbc', keyLength: 24 },
  '2.16.840.1.101.3.4.1.42': { name: 'aes-256-cbc', mode: 'cbc', keyLength: 32 },
  '2.16.840.1.101.3.4.1.6': { name: 'aes-128-gcm', mode: 'gcm', keyLength: 16 },
  '2.16.840.1.101.3.4.1.26': { name: 'aes-192-gcm', mode: 'gcm', keyLength: 24 },
  '2.16.840.1.101.3.4.1.46': { name: 'aes-256-gcm', mode: 'gcm', keyLength: 32 },
  '1.2.840.113549.3.7': { name: 'des-ede3-cbc', mode: 'legacy', keyLength: 24 },
  '1.3.14.3.2.7': { name: 'des-cbc', mode: 'legacy', keyLength: 8 },
  '1.2.840.113549.3.2': { name: 'rc2-cbc', mode: 'legacy', keyLength: 0 },
};

const CIPHER_OID: Record<EncryptOptions['cipher'], string> = {
  'aes-128-cbc': '2.16.840.1.101.3.4.1.2',
  'aes-256-cbc': '2.16.840.1.101.3.4.1.42',
  'aes-128-gcm': '2.16.840.1.101.3.4.1.6',
  'aes-256-gcm': '2.16.840.1.101.3.4.1.46',
};

const HASH_BY_OID: Record<string, string> = {
  [OIDS.sha1]: 'SHA-1',
  [OIDS.sha256]: 'SHA-256',
  [OIDS.sha384]: 'SHA-384',
  [OIDS.sha512]: 'SHA-512',
};

const failed = (cause?: unknown) =>
  new SelloError('cms.decrypt-failed', 'The message could not be decrypted.', { cause });

/** A copy with its own exact-size ArrayBuffer (a Node Buffer's slice() would be a view into a pool). */
function buf(b: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(b);
}

// ---------------------------------------------------------------- writing

function algId(oid: string, params?: asn1js.AsnType): asn1js.Sequence {
  return new asn1js.Sequence({
    value: [new asn1js.ObjectIdentifier({ value: oid }), ...(params ? [params] : [])],
  });
}

function oaepParams(hash: 'SHA-1' | 'SHA-256'): asn1js.Sequence {
  // RFC 4055 §4.1: SHA-1 and MGF1-SHA-1 are the defaults and are then omitted.
  if (hash === 'SHA-1') return new asn1js.Sequence({ value: [] });
  const h = algId(OIDS.sha256, new asn1js.Null());
  return new asn1js.Sequence({
    value: [
      new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: [h] }),
      new asn1js.Constructed({
        idBlock: { tagClass: 3, tagNumber: 1 },
        value: [algId(OIDS.mgf1, algId(OIDS.sha256, new asn1js.Null()))],
      }),
    ],
  });
}

async function keyTransRecipient(
  certificate: Uint8Array,
  cek: Uint8Array,
  opts: EncryptOptions,
  env: CoreEnv,
): Promise<{ ri: asn1js.Sequence; ski: boolean }> {
  const cert = pkijs.Certificate.fromBER(toArrayBuffer(certificate));
  const fields = readCertificateFields(certificate);
  if (cert.subjectPublicKeyInfo.algorithm.algorithmId !== OIDS.rsaEncryption) {
    throw new SelloError(
      'cms.recipient-unsupported',
      'Only RSA recipient certificates are supported by this build (EC key agreement needs shared/cms).',
    );
  }
  let encryptedKey: Uint8Array;
  let alg: asn1js.Sequence;
  if (opts.keyTransport === 'rsaes-pkcs1-v1_5') {
    encryptedKey = await rsaPkcs1v15Encrypt(fields.spki, cek, env);
    alg = algId(OIDS.rsaEncryption, new asn1js.Null());
  } else {
    const hash = opts.keyTransport === 'rsaes-oaep-sha1' ? 'SHA-1' : 'SHA-256';
    const key = await env.crypto.subtle.importKey(
      'spki',
      buf(fields.spki),
      { name: 'RSA-OAEP', hash },
      false,
      ['encrypt'],
    );
    encryptedKey = new Uint8Array(await env.crypto.subtle.encrypt({ name: 'RSA-OAEP' }, key, buf(cek)));
    alg = algId(OIDS.rsaOaep, oaepParams(hash));
  }
  if (encryptedKey.length === 0) {
    throw new SelloError('cms.recipient-without-key', 'A recipient ended without an encrypted key.');
  }
  const useSki = opts.recipientId === 'ski';
  if (useSki && !fields.subjectKeyId) {
    throw new SelloError('cms.no-ski', 'A recipient certificate has no subjectKeyIdentifier.');
  }
  const rid = useSki
    ? new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 0 }, valueHex: buf(fields.subjectKeyId!) })
    : new pkijs.IssuerAndSerialNumber({ issuer: cert.issuer, serialNumber: cert.serialNumber }).toSchema();
  return {
    ri: new asn1js.Sequence({
      value: [
        new asn1js.Integer({ value: useSki ? 2 : 0 }),
        rid,
        alg,
        new asn1js.OctetString({ valueHex: buf(encryptedKey) }),
      ],
    }),
    ski: useSki,
  };
}

export async function createEnvelope(
  content: Uint8Array,
  recipients: Uint8Array[],
  opts: EncryptOptions,
  env: CoreEnv,
): Promise<Uint8Array> {
  const gcm = opts.cipher.endsWith('-gcm');
  const keyLength = opts.cipher.startsWith('aes-256') ? 32 : 16;
  const cek = env.crypto.getRandomValues(new Uint8Array(keyLength));
  const infos = await Promise.all(recipients.map((r) => keyTransRecipient(r, cek, opts, env)));
  if (infos.length !== recipients.length) {
    throw new SelloError('cms.recipient-without-key', 'A recipient ended without an encrypted key.');
  }
  const recipientInfos = new asn1js.Set({ value: infos.map((i) => i.ri) });
  const key = await env.crypto.subtle.importKey('raw', buf(cek), gcm ? 'AES-GCM' : 'AES-CBC', false, [
    'encrypt',
  ]);
  const iv = env.crypto.getRandomValues(new Uint8Array(gcm ? 12 : 16));
  const sealed = new Uint8Array(
    await env.crypto.subtle.encrypt(
      gcm ? { name: 'AES-GCM', iv, tagLength: 128 } : { name: 'AES-CBC', iv },
      key,
      buf(content),
    ),
  );
  const cipherOid = CIPHER_OID[opts.cipher];
  if (!gcm) {
    // RFC 5652 §6.1: version 2 when a recipient is identified by subjectKeyIdentifier.
    const version = infos.some((i) => i.ski) ? 2 : 0;
    const ed = new asn1js.Sequence({
      value: [
        new asn1js.Integer({ value: version }),
        recipientInfos,
        new asn1js.Sequence({
          value: [
            new asn1js.ObjectIdentifier({ value: OIDS.data }),
            algId(cipherOid, new asn1js.OctetString({ valueHex: buf(iv) })),
            new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 0 }, valueHex: buf(sealed) }),
          ],
        }),
      ],
    });
    return wrap(OIDS.envelopedData, ed);
  }
  // RFC 5083 §2.1 AuthEnvelopedData; RFC 5084 §3.2 GCMParameters { aes-nonce, aes-ICVlen DEFAULT 12 }.
  const body = sealed.subarray(0, sealed.length - 16);
  const tag = sealed.subarray(sealed.length - 16);
  const aed = new asn1js.Sequence({
    value: [
      new asn1js.Integer({ value: 0 }),
      recipientInfos,
      new asn1js.Sequence({
        value: [
          new asn1js.ObjectIdentifier({ value: OIDS.data }),
          algId(
            cipherOid,
            new asn1js.Sequence({
              value: [new asn1js.OctetString({ valueHex: buf(iv) }), new asn1js.Integer({ value: 16 })],
            }),
          ),
          new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 0 }, valueHex: buf(body) }),
        ],
      }),
      new asn1js.OctetString({ valueHex: buf(tag) }),
    ],
  });
  return wrap(OIDS.authEnvelopedData, aed);
}

function wrap(contentType: string, content: asn1js.Sequence): Uint8Array {
  const ci = new asn1js.Sequence({
    value: [
      new asn1js.ObjectIdentifier({ value: contentType }),
      new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: [content] }),
    ],
  });
  return new Uint8Array(ci.toBER(false));
}

// ---------------------------------------------------------------- reading

interface ParsedEnvelope {
  structure: 'EnvelopedData' | 'AuthEnvelopedData';
  recipientInfos: asn1js.AsnType[];
  cipherOid: string;
  cipherParams: asn1js.AsnType | undefined;
  encrypted: Uint8Array;
  mac: Uint8Array | null;
  authAttrs: Uint8Array | null;
}

function octetsOf(node: asn1js.AsnType): Uint8Array {
  const b = node as asn1js.BaseBlock & {
    valueBlock: { value?: asn1js.AsnType[]; valueHexView?: Uint8Array };
  };
  if (b.idBlock.isConstructed) {
    const parts = (b.valueBlock.value ?? []).map(octetsOf);
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }
  return new Uint8Array(b.valueBlock.valueHexView ?? new Uint8Array());
}

function seq(node: asn1js.AsnType | undefined): asn1js.AsnType[] {
  if (!(node instanceof asn1js.Sequence) && !(node instanceof asn1js.Set)) throw failed();
  return node.valueBlock.value;
}

function oidOf(node: asn1js.AsnType | undefined): string {
  if (!(node instanceof asn1js.ObjectIdentifier)) throw failed();
  return node.valueBlock.toString();
}

function contextTag(node: asn1js.AsnType | undefined): number | null {
  const b = node as asn1js.BaseBlock | undefined;
  return b && b.idBlock.tagClass === 3 ? b.idBlock.tagNumber : null;
}

function parseEnvelope(der: Uint8Array): ParsedEnvelope {
  const parsed = asn1js.fromBER(buf(der));
  if (parsed.offset === -1)
    throw new SelloError('cms.malformed', 'The encrypted part is not well-formed CMS.');
  const ci = seq(parsed.result);
  const type = oidOf(ci[0]);
  const inner = seq((ci[1] as asn1js.Constructed).valueBlock.value[0]);
  let i = 1;
  if (contextTag(inner[i]) === 0) i++; // originatorInfo
  const recipientInfos = seq(inner[i++]);
  const eci = seq(inner[i++]);
  const alg = seq(eci[1]);
  const encryptedNode = eci[2];
  if (!encryptedNode || contextTag(encryptedNode) !== 0) throw failed();
  let mac: Uint8Array | null = null;
  let authAttrs: Uint8Array | null = null;
  if (type === OIDS.authEnvelopedData) {
    if (contextTag(inner[i]) === 1) {
      // RFC 5083 §2.1: authAttrs are MACed as a SET (EXPLICIT SET OF tag)
      const node = inner[i++] as asn1js.Constructed;
      const set = new asn1js.Set({ value: node.valueBlock.value });
      authAttrs = new Uint8Array(set.toBER(false));
    }
    mac = octetsOf(inner[i]!);
  }
  return {
    structure: type === OIDS.authEnvelopedData ? 'AuthEnvelopedData' : 'EnvelopedData',
    recipientInfos,
    cipherOid: oidOf(alg[0]),
    cipherParams: alg[1],
    encrypted: octetsOf(encryptedNode),
    mac,
    authAttrs,
  };
}

function matchesRecipient(rid: asn1js.AsnType | undefined, identity: Identity): boolean {
  const fields = readCertificateFields(identity.certificate);
  if (contextTag(rid) === 0) {
    return !!fields.subjectKeyId && equalBytes(octetsOf(rid!), fields.subjectKeyId);
  }
  try {
    const ias = new pkijs.IssuerAndSerialNumber({ schema: rid });
    const cert = pkijs.Certificate.fromBER(toArrayBuffer(identity.certificate));
    return ias.issuer.isEqual(cert.issuer) && ias.serialNumber.isEqual(cert.serialNumber);
  } catch {
    return false; // an unreadable recipient identifier is not ours
  }
}

async function unwrapKeyTrans(
  ri: asn1js.AsnType[],
  identity: Identity,
  env: CoreEnv,
): Promise<{
  cek: Uint8Array;
  keyManagement: string;
}> {
  const alg = seq(ri[2]);
  const algOid = oidOf(alg[0]);
  const encryptedKey = octetsOf(ri[3]!);
  if (algOid === OIDS.rsaEncryption) {
    return {
      cek: await rsaPkcs1v15DecryptImplicit(identity.privateKey, encryptedKey, env),
      keyManagement: 'rsaes-pkcs1-v1_5',
    };
  }
  if (algOid !== OIDS.rsaOaep) throw failed();
  let hash = 'SHA-1';
  let label: Uint8Array | undefined;
  for (const p of alg[1] instanceof asn1js.Sequence ? alg[1].valueBlock.value : []) {
    const tag = contextTag(p);
    const inner = (p as asn1js.Constructed).valueBlock.value[0];
    if (tag === 0) hash = HASH_BY_OID[oidOf(seq(inner)[0])] ?? 'unsupported';
    if (tag === 2) label = octetsOf(seq(inner)[1]!);
  }
  if (hash === 'unsupported') throw failed();
  // WebCrypto wants rsaEncryption-labelled PKCS#8 for RSA-OAEP, which is what PKCS#12 files hold.
  const key = await env.crypto.subtle.importKey(
    'pkcs8',
    buf(identity.privateKey),
    { name: 'RSA-OAEP', hash },
    false,
    ['decrypt'],
  );
  const cek = new Uint8Array(
    await env.crypto.subtle.decrypt(
      { name: 'RSA-OAEP', ...(label ? { label: buf(label) } : {}) },
      key,
      buf(encryptedKey),
    ),
  );
  return { cek, keyManagement: `rsaes-oaep-${hash.toLowerCase().replace('-', '')}` };
}

async function decryptContent(env: CoreEnv, p: ParsedEnvelope, cek: Uint8Array): Promise<Uint8Array> {
  const cipher = CONTENT_CIPHERS[p.cipherOid];
  if (!cipher) throw failed();
  if (cipher.mode === 'cbc') {
    const key = await env.crypto.subtle.importKey('raw', buf(cek), 'AES-CBC', false, ['decrypt']);
    const iv = octetsOf(p.cipherParams!);
    return new Uint8Array(
      await env.crypto.subtle.decrypt({ name: 'AES-CBC', iv: buf(iv) }, key, buf(p.encrypted)),
    );
  }
  if (cipher.mode === 'gcm') {
    const params = seq(p.cipherParams);
    const nonce = octetsOf(params[0]!);
    const icvLen = params[1] instanceof asn1js.Integer ? params[1].valueBlock.valueDec : 12;
    if (!p.mac || p.mac.length !== icvLen) throw failed();
    const key = await env.crypto.subtle.importKey('raw', buf(cek), 'AES-GCM', false, ['decrypt']);
    const joined = new Uint8Array(p.encrypted.length + p.mac.length);
    joined.set(p.encrypted);
    joined.set(p.mac, p.encrypted.length);
    return new Uint8Array(
      await env.crypto.subtle.decrypt(
        {
          name: 'AES-GCM',
          iv: buf(nonce),
          tagLength: icvLen * 8,
          ...(p.authAttrs ? { additionalData: buf(p.authAttrs) } : {}),
        },
        key,
        buf(joined),
      ),
    );
  }
  if (cipher.name === 'rc2-cbc') {
    const params = seq(p.cipherParams);
    const version =
      params.length === 2 && params[0] instanceof asn1js.Integer ? params[0].valueBlock.valueDec : 58;
    const iv = octetsOf(params[params.length - 1]!);
    return legacyCbcDecrypt('rc2-cbc', cek, iv, p.encrypted, rc2EffectiveBitsFromVersion(version));
  }
  return legacyCbcDecrypt(
    cipher.name as 'des-ede3-cbc' | 'des-cbc',
    cek,
    octetsOf(p.cipherParams!),
    p.encrypted,
  );
}

/** ECDH recipients (KeyAgreeRecipientInfo) go through PKI.js, EnvelopedData only. */
async function decryptWithPkijs(
  der: Uint8Array,
  identity: Identity,
  index: number,
  env: CoreEnv,
): Promise<Uint8Array> {
  const ci = pkijs.ContentInfo.fromBER(toArrayBuffer(der));
  const ed = new pkijs.EnvelopedData({ schema: ci.content });
  const engine = new pkijs.CryptoEngine({ name: 'sello', crypto: env.crypto });
  const out = await ed.decrypt(
    index,
    {
      recipientCertificate: pkijs.Certificate.fromBER(toArrayBuffer(identity.certificate)),
      recipientPrivateKey: buf(identity.privateKey).buffer,
    },
    engine,
  );
  return new Uint8Array(out);
}

export async function openEnvelope(der: Uint8Array, identity: Identity, env: CoreEnv): Promise<Decryption> {
  let p: ParsedEnvelope;
  try {
    p = parseEnvelope(der);
  } catch (e) {
    if (e instanceof SelloError && e.code === 'cms.malformed') throw e;
    throw new SelloError('cms.malformed', 'The encrypted part is not well-formed CMS.', { cause: e });
  }
  const cipher = CONTENT_CIPHERS[p.cipherOid];
  const base = {
    structure: p.structure,
    contentCipher: cipher?.name ?? p.cipherOid,
    weak: cipher?.mode === 'legacy',
    recipientCount: p.recipientInfos.length,
  };
  try {
    for (let index = 0; index < p.recipientInfos.length; index++) {
      const ri = p.recipientInfos[index]!;
      if (ri instanceof asn1js.Sequence) {
        const parts = ri.valueBlock.value;
        if (!matchesRecipient(parts[1], identity)) continue;
        const { cek, keyManagement } = await unwrapKeyTrans(parts, identity, env);
        return { ...base, keyManagement, content: await decryptContent(env, p, cek) };
      }
      if (contextTag(ri) === 1 && p.structure === 'EnvelopedData') {
        // KeyAgreeRecipientInfo: PKI.js finds our entry among its recipientEncryptedKeys.
        try {
          const content = await decryptWithPkijs(der, identity, index, env);
          return { ...base, keyManagement: 'ecdh-ss', content };
        } catch (e) {
          if (process.env.SELLO_DEBUG) console.error(e);
          continue; // not ours, or not decryptable: the uniform failure below covers it
        }
      }
    }
  } catch (e) {
    throw failed(e);
  }
  throw failed();
}
