/**
 * Writing a PKCS#12 file: the certificate, its chain and the private key, each SafeContents encrypted
 * with PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC) and the whole under an HMAC-SHA256 MAC. Laid out as
 * `openssl pkcs12 -export` does (certificates encrypted first, then the shrouded key), so OpenSSL 3,
 * Windows 10+, macOS and NSS read it. gpgsm 2.2 does not read PBES2 files (see TOOLCHAIN.md).
 */
import { sha1 } from '@noble/hashes/legacy.js';
import * as asn1js from 'asn1js';
import type { CoreEnv } from '../env';
import { SelloError } from '../errors';
import type { Identity } from './identity';
import { OID_DATA, OID_ENCRYPTED_DATA } from './pkcs12-bags';
import { createMacData } from './pkcs12-mac';
import { encryptPbes2 } from './pbes2';
import { keyMatchesCertificate } from './private-key';

export interface Pkcs12ExportOptions {
  /**
   * PBKDF2 iterations for the key and certificate encryption. 600000 follows OWASP's 2023 advice for
   * PBKDF2-HMAC-SHA256; OpenSSL's own default is 2048.
   */
  iterations?: number;
  /**
   * PKCS#12 KDF iterations for the MAC. Default: the same as `iterations`, because the MAC is a second
   * way to test password guesses and would otherwise be the cheap one.
   */
  macIterations?: number;
  /** Shown by Windows, macOS and Thunderbird as the certificate's name. */
  friendlyName?: string;
}

export const DEFAULT_PKCS12_ITERATIONS = 600_000;

const OID_SHROUDED_KEY_BAG = '1.2.840.113549.1.12.10.1.2';
const OID_CERT_BAG = '1.2.840.113549.1.12.10.1.3';
const OID_X509_CERTIFICATE = '1.2.840.113549.1.9.22.1';
const OID_FRIENDLY_NAME = '1.2.840.113549.1.9.20';
const OID_LOCAL_KEY_ID = '1.2.840.113549.1.9.21';

const explicit0 = (inner: asn1js.AsnType): asn1js.Constructed =>
  new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: [inner] });

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** SET OF PKCS12Attribute, in DER order (X.690 §11.6: sorted by encoding). */
function attributes(attrs: [string, asn1js.AsnType][]): asn1js.Set {
  const encoded = attrs
    .map(
      ([type, value]) =>
        new asn1js.Sequence({
          value: [new asn1js.ObjectIdentifier({ value: type }), new asn1js.Set({ value: [value] })],
        }),
    )
    .map((seq) => ({ seq, der: new Uint8Array(seq.toBER()) }))
    .sort((x, y) => compareBytes(x.der, y.der));
  return new asn1js.Set({ value: encoded.map((e) => e.seq) });
}

function safeBag(type: string, value: asn1js.AsnType, attrs?: asn1js.Set): asn1js.Sequence {
  return new asn1js.Sequence({
    value: [new asn1js.ObjectIdentifier({ value: type }), explicit0(value), ...(attrs ? [attrs] : [])],
  });
}

function certBag(der: Uint8Array, attrs?: asn1js.Set): asn1js.Sequence {
  const bag = new asn1js.Sequence({
    value: [
      new asn1js.ObjectIdentifier({ value: OID_X509_CERTIFICATE }),
      explicit0(new asn1js.OctetString({ valueHex: der })),
    ],
  });
  return safeBag(OID_CERT_BAG, bag, attrs);
}

function dataContentInfo(bytes: Uint8Array): asn1js.Sequence {
  return new asn1js.Sequence({
    value: [
      new asn1js.ObjectIdentifier({ value: OID_DATA }),
      explicit0(new asn1js.OctetString({ valueHex: bytes })),
    ],
  });
}

export async function exportPkcs12(
  identity: Identity,
  password: string,
  env: CoreEnv,
  opts: Pkcs12ExportOptions = {},
): Promise<Uint8Array> {
  const iterations = opts.iterations ?? DEFAULT_PKCS12_ITERATIONS;
  const macIterations = opts.macIterations ?? iterations;
  for (const n of [iterations, macIterations]) {
    if (!Number.isSafeInteger(n) || n < 1 || n > 0x7fffffff) {
      throw new SelloError('usage.bad-iterations', 'The iteration count must be a positive integer.');
    }
  }
  if (!(await keyMatchesCertificate(identity.privateKey, identity.certificate, env))) {
    throw new SelloError('pkcs12.key-mismatch', 'The private key does not belong to the certificate.');
  }

  // OpenSSL's convention: localKeyId is the SHA-1 of the certificate; it ties the key bag to the cert bag.
  const attrList: [string, asn1js.AsnType][] = [
    [OID_LOCAL_KEY_ID, new asn1js.OctetString({ valueHex: sha1(identity.certificate) })],
  ];
  if (opts.friendlyName !== undefined)
    attrList.push([OID_FRIENDLY_NAME, new asn1js.BmpString({ value: opts.friendlyName })]);

  const certContents = new asn1js.Sequence({
    value: [certBag(identity.certificate, attributes(attrList)), ...identity.chain.map((c) => certBag(c))],
  });
  const certEnc = await encryptPbes2(new Uint8Array(certContents.toBER()), password, { iterations }, env);
  const encryptedData = new asn1js.Sequence({
    value: [
      new asn1js.Integer({ value: 0 }),
      new asn1js.Sequence({
        value: [
          new asn1js.ObjectIdentifier({ value: OID_DATA }),
          certEnc.algorithm,
          new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 0 }, valueHex: certEnc.ciphertext }),
        ],
      }),
    ],
  });

  const keyEnc = await encryptPbes2(identity.privateKey, password, { iterations }, env);
  const shrouded = new asn1js.Sequence({
    value: [keyEnc.algorithm, new asn1js.OctetString({ valueHex: keyEnc.ciphertext })],
  });
  const keyContents = new asn1js.Sequence({
    value: [safeBag(OID_SHROUDED_KEY_BAG, shrouded, attributes(attrList))],
  });

  const authenticatedSafe = new asn1js.Sequence({
    value: [
      new asn1js.Sequence({
        value: [new asn1js.ObjectIdentifier({ value: OID_ENCRYPTED_DATA }), explicit0(encryptedData)],
      }),
      dataContentInfo(new Uint8Array(keyContents.toBER())),
    ],
  });
  const content = new Uint8Array(authenticatedSafe.toBER());
  const macSalt = env.crypto.getRandomValues(new Uint8Array(16));
  const pfx = new asn1js.Sequence({
    value: [
      new asn1js.Integer({ value: 3 }),
      dataContentInfo(content),
      createMacData(content, password, macIterations, macSalt),
    ],
  });
  return new Uint8Array(pfx.toBER());
}
