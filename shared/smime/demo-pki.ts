/**
 * A throw-away PKI made in process with PKI.js and WebCrypto (no OpenSSL): a CA and S/MIME users. The
 * `sello demo` command, the extension's demo mailbox and unit tests use it. Never for real mail: the CA
 * key lives in memory and the certificates say "Demo" in their subject.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { toArrayBuffer } from '../bytes';
import type { CoreEnv } from '../env';
import type { Identity } from '../keys/identity';

export type DemoKeyType = 'RSA-2048' | 'RSA-3072' | 'P-256' | 'P-384';

export interface DemoCa {
  certificate: Uint8Array;
  privateKey: Uint8Array;
  keyType: DemoKeyType;
  name: string;
}

export interface DemoUserOptions {
  name: string;
  email: string;
  keyType?: DemoKeyType;
  /** Validity start; default one day before `env.now()`. */
  notBefore?: Date;
  /** Days of validity; default 365. */
  days?: number;
}

const OID = {
  cn: '2.5.4.3',
  o: '2.5.4.10',
  email: '1.2.840.113549.1.9.1',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectAltName: '2.5.29.17',
  ski: '2.5.29.14',
  aki: '2.5.29.35',
  emailProtection: '1.3.6.1.5.5.7.3.4',
} as const;

// RFC 5280 §4.2.1.3 KeyUsage bit positions (bit 0 is the most significant bit of the first byte).
const KU = { digitalSignature: 0, keyEncipherment: 2, keyAgreement: 4, keyCertSign: 5, cRLSign: 6 } as const;

function engineFor(env: CoreEnv): pkijs.CryptoEngine {
  return new pkijs.CryptoEngine({ name: 'sello-demo', crypto: env.crypto });
}

function keyAlgorithm(keyType: DemoKeyType): RsaHashedKeyGenParams | EcKeyGenParams {
  if (keyType === 'P-256' || keyType === 'P-384') return { name: 'ECDSA', namedCurve: keyType };
  return {
    name: 'RSASSA-PKCS1-v1_5',
    modulusLength: keyType === 'RSA-3072' ? 3072 : 2048,
    publicExponent: new Uint8Array([1, 0, 1]),
    hash: 'SHA-256',
  };
}

function keyUsageBits(bits: number[]): Uint8Array {
  const value = new Uint8Array(2);
  for (const b of bits) value[b >> 3]! |= 0x80 >> (b & 7);
  const used = value[1] === 0 ? 1 : 2;
  const last = value[used - 1]!;
  let unused = 0;
  while (unused < 7 && (last & (1 << unused)) === 0) unused++;
  return new Uint8Array([unused, ...value.subarray(0, used)]);
}

function extension(extnID: string, critical: boolean, value: asn1js.AsnType): pkijs.Extension {
  return new pkijs.Extension({ extnID, critical, extnValue: value.toBER(false) });
}

/**
 * One attribute per RDN (O, CN, emailAddress), as CAs write names. PKI.js would put every attribute in a
 * single multi-valued RDN, so the Name is encoded here and read back.
 */
function nameOf(cn: string, email?: string): pkijs.RelativeDistinguishedNames {
  const atvs = [
    new pkijs.AttributeTypeAndValue({ type: OID.o, value: new asn1js.Utf8String({ value: 'Sello Demo' }) }),
    new pkijs.AttributeTypeAndValue({ type: OID.cn, value: new asn1js.Utf8String({ value: cn }) }),
  ];
  if (email) {
    atvs.push(
      new pkijs.AttributeTypeAndValue({ type: OID.email, value: new asn1js.IA5String({ value: email }) }),
    );
  }
  const name = new asn1js.Sequence({ value: atvs.map((a) => new asn1js.Set({ value: [a.toSchema()] })) });
  return pkijs.RelativeDistinguishedNames.fromBER(name.toBER(false));
}

async function keyId(spki: pkijs.PublicKeyInfo, env: CoreEnv): Promise<Uint8Array> {
  // RFC 5280 §4.2.1.2 method (1): SHA-1 of the subjectPublicKey BIT STRING value.
  const digest = await env.crypto.subtle.digest(
    'SHA-1',
    spki.subjectPublicKey.valueBlock.valueHexView as Uint8Array<ArrayBuffer>,
  );
  return new Uint8Array(digest);
}

function randomSerial(env: CoreEnv): Uint8Array {
  const serial = env.crypto.getRandomValues(new Uint8Array(16));
  serial[0] = (serial[0]! & 0x7f) | 0x10; // positive, no leading zero
  return serial;
}

async function importPrivate(pkcs8: Uint8Array, keyType: DemoKeyType, env: CoreEnv): Promise<CryptoKey> {
  return env.crypto.subtle.importKey(
    'pkcs8',
    pkcs8 as Uint8Array<ArrayBuffer>,
    keyAlgorithm(keyType),
    false,
    ['sign'],
  );
}

interface IssueInput {
  subject: pkijs.RelativeDistinguishedNames;
  issuer: pkijs.RelativeDistinguishedNames;
  issuerKey: CryptoKey;
  issuerKeyId: Uint8Array | null;
  publicKey: CryptoKey;
  notBefore: Date;
  notAfter: Date;
  ca: boolean;
  keyUsage: number[];
  email?: string;
}

async function issue(input: IssueInput, env: CoreEnv): Promise<Uint8Array> {
  const engine = engineFor(env);
  const cert = new pkijs.Certificate();
  cert.version = 2;
  cert.serialNumber = new asn1js.Integer({ valueHex: randomSerial(env) });
  cert.subject = input.subject;
  cert.issuer = input.issuer;
  cert.notBefore.value = input.notBefore;
  cert.notAfter.value = input.notAfter;
  await cert.subjectPublicKeyInfo.importKey(input.publicKey, engine);
  const ski = await keyId(cert.subjectPublicKeyInfo, env);
  const kuBits = keyUsageBits(input.keyUsage);
  const extensions: pkijs.Extension[] = [
    extension(OID.basicConstraints, true, new pkijs.BasicConstraints({ cA: input.ca }).toSchema()),
    // KeyUsage is a named BIT STRING: DER drops trailing zero bits, which keyUsageBits computes.
    new pkijs.Extension({
      extnID: OID.keyUsage,
      critical: true,
      extnValue: new Uint8Array([0x03, kuBits.length, ...kuBits]).buffer,
    }),
    extension(OID.ski, false, new asn1js.OctetString({ valueHex: ski })),
  ];
  const aki = input.issuerKeyId ?? ski;
  extensions.push(
    extension(
      OID.aki,
      false,
      new pkijs.AuthorityKeyIdentifier({
        keyIdentifier: new asn1js.OctetString({ valueHex: aki }),
      }).toSchema(),
    ),
  );
  if (!input.ca) {
    extensions.push(
      extension(
        OID.extKeyUsage,
        false,
        new pkijs.ExtKeyUsage({ keyPurposes: [OID.emailProtection] }).toSchema(),
      ),
    );
  }
  if (input.email) {
    extensions.push(
      extension(
        OID.subjectAltName,
        false,
        new pkijs.GeneralNames({
          names: [new pkijs.GeneralName({ type: 1, value: input.email })],
        }).toSchema(),
      ),
    );
  }
  cert.extensions = extensions;
  await cert.sign(input.issuerKey, 'SHA-256', engine);
  return new Uint8Array(cert.toSchema(true).toBER(false));
}

async function generate(keyType: DemoKeyType, env: CoreEnv): Promise<CryptoKeyPair> {
  return (await env.crypto.subtle.generateKey(keyAlgorithm(keyType), true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
}

async function exportPkcs8(key: CryptoKey, env: CoreEnv): Promise<Uint8Array> {
  return new Uint8Array(await env.crypto.subtle.exportKey('pkcs8', key));
}

/** A self-signed demo root CA (valid ten years from one day before `env.now()`). */
export async function createDemoCa(
  env: CoreEnv,
  opts: { name?: string; keyType?: DemoKeyType } = {},
): Promise<DemoCa> {
  const keyType = opts.keyType ?? 'RSA-2048';
  const name = opts.name ?? 'Sello Demo CA';
  const pair = await generate(keyType, env);
  const now = env.now();
  const subject = nameOf(name);
  const certificate = await issue(
    {
      subject,
      issuer: subject,
      issuerKey: pair.privateKey,
      issuerKeyId: null,
      publicKey: pair.publicKey,
      notBefore: new Date(now.getTime() - 86_400_000),
      notAfter: new Date(now.getTime() + 3650 * 86_400_000),
      ca: true,
      keyUsage: [KU.keyCertSign, KU.cRLSign, KU.digitalSignature],
    },
    env,
  );
  return { certificate, privateKey: await exportPkcs8(pair.privateKey, env), keyType, name };
}

/** An S/MIME user (signing and encryption) issued by `ca`; the chain holds the CA certificate. */
export async function createDemoUser(ca: DemoCa, opts: DemoUserOptions, env: CoreEnv): Promise<Identity> {
  const keyType = opts.keyType ?? 'RSA-2048';
  const pair = await generate(keyType, env);
  const caCert = pkijs.Certificate.fromBER(toArrayBuffer(ca.certificate));
  const caKeyId = await keyId(caCert.subjectPublicKeyInfo, env);
  const notBefore = opts.notBefore ?? new Date(env.now().getTime() - 86_400_000);
  const ec = keyType === 'P-256' || keyType === 'P-384';
  const certificate = await issue(
    {
      subject: nameOf(opts.name, opts.email),
      issuer: caCert.subject,
      issuerKey: await importPrivate(ca.privateKey, ca.keyType, env),
      issuerKeyId: caKeyId,
      publicKey: pair.publicKey,
      notBefore,
      notAfter: new Date(notBefore.getTime() + (opts.days ?? 365) * 86_400_000),
      ca: false,
      keyUsage: [KU.digitalSignature, ec ? KU.keyAgreement : KU.keyEncipherment],
      email: opts.email,
    },
    env,
  );
  return { certificate, chain: [ca.certificate], privateKey: await exportPkcs8(pair.privateKey, env) };
}

export interface DemoPki {
  ca: DemoCa;
  alice: Identity;
  bob: Identity;
}

/** The demo's cast: a CA, Alice (alice@example.org) and Bob (bob@example.org). */
export async function createDemoPki(env: CoreEnv, keyType: DemoKeyType = 'RSA-2048'): Promise<DemoPki> {
  const ca = await createDemoCa(env, { keyType });
  const alice = await createDemoUser(ca, { name: 'Alice Demo', email: 'alice@example.org', keyType }, env);
  const bob = await createDemoUser(ca, { name: 'Bob Demo', email: 'bob@example.org', keyType }, env);
  return { ca, alice, bob };
}
