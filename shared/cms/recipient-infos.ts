/**
 * RecipientInfos (RFC 5652 §6.2) shared by EnvelopedData and AuthEnvelopedData: one KTRI per RSA
 * recipient, one KARI per EC recipient; and on reading, finding ours and recovering the content key.
 */
import * as asn1js from 'asn1js';
import type { CoreEnv } from '../env';
import { SelloError } from '../errors';
import { algorithmIdentifier, contentBytes, octets, parseDer, sequence, isContext } from '../keys/der';
import type { Identity } from '../keys/identity';
import { OID } from './algorithms';
import { decryptFailed } from './decrypt-failure';
import { decryptKeyAgree, keyAgreeRecipientInfo, keyAgreementName, parseKari } from './key-agreement';
import { decryptKeyTrans, keyTransRecipientInfo, keyTransportName, type KeyTransport } from './key-transport';
import { certificateId, certificateLabel, namesCertificate } from './recipient-id';

export interface RecipientOptions {
  keyTransport: KeyTransport;
  recipientId: 'issuer-serial' | 'ski';
}

export interface BuiltRecipientInfos {
  infos: Uint8Array[];
  /** RFC 5652 §6.1: any RecipientInfo other than version 0 makes EnvelopedData version 2. */
  allVersion0: boolean;
}

function publicKeyAlgorithm(spki: Uint8Array): string {
  const bad = () => new SelloError('cert.malformed', 'A recipient certificate is not well-formed.');
  return algorithmIdentifier(sequence(parseDer(spki, bad), bad, 2, 2)[0], bad).oid;
}

export async function buildRecipientInfos(
  recipients: Uint8Array[],
  cek: Uint8Array,
  opts: RecipientOptions,
  env: CoreEnv,
): Promise<BuiltRecipientInfos> {
  if (recipients.length === 0)
    throw new SelloError('cms.no-recipients', 'There is no recipient to encrypt to.');
  const infos: Uint8Array[] = [];
  let allVersion0 = true;
  for (const [n, cert] of recipients.entries()) {
    const who = certificateLabel(cert, `recipient ${n + 1}`);
    const id = certificateId(cert);
    const alg = publicKeyAlgorithm(id.spki);
    // A certificate without a subjectKeyIdentifier can still be named by issuer and serial number,
    // which every receiver understands: better than leaving that recipient out.
    const recipientId = opts.recipientId === 'ski' && id.subjectKeyId ? 'ski' : 'issuer-serial';
    let info: Uint8Array;
    if (alg === OID.rsaEncryption) {
      info = await keyTransRecipientInfo(id, who, cek, opts.keyTransport, recipientId, env);
      if (recipientId === 'ski') allVersion0 = false;
    } else if (alg === OID.ecPublicKey) {
      info = await keyAgreeRecipientInfo(id, who, cek, recipientId, env);
      allVersion0 = false;
    } else {
      throw new SelloError(
        'cms.recipient-key-missing',
        `The key in ${who}'s certificate cannot receive encrypted mail.`,
      );
    }
    // Unlike PKI.js, never let a recipient silently end without a key.
    if (info.length === 0)
      throw new SelloError('cms.recipient-key-missing', `No content key was encrypted for ${who}.`);
    infos.push(info);
  }
  return { infos, allVersion0 };
}

export interface RecoveredKey {
  cek: Uint8Array;
  keyManagement: string;
}

type Match =
  | { kind: 'ktri'; algorithm: asn1js.AsnType | undefined; encryptedKey: Uint8Array }
  | { kind: 'kari'; kari: ReturnType<typeof parseKari>; encryptedKey: Uint8Array };

function findOurs(recipientInfos: asn1js.AsnType[], identity: Identity): Match | null {
  const id = certificateId(identity.certificate);
  for (const ri of recipientInfos) {
    try {
      if (ri instanceof asn1js.Sequence) {
        const items = sequence(ri, decryptFailed, 4, 4);
        if (namesCertificate(items[1], id)) {
          return { kind: 'ktri', algorithm: items[2], encryptedKey: octets(items[3], decryptFailed) };
        }
      } else if (isContext(ri, 1)) {
        const kari = parseKari(ri);
        for (const [rid, key] of kari.recipientEncryptedKeys) {
          if (namesCertificate(rid, id, true)) {
            return { kind: 'kari', kari, encryptedKey: contentBytes(key, decryptFailed) };
          }
        }
      }
      // kekri [2], pwri [3] and ori [4] never name a certificate.
    } catch {
      continue; // a RecipientInfo we cannot read is not one we can use; others may be ours
    }
  }
  return null;
}

export function recipientKinds(recipientInfos: asn1js.AsnType[]): { kind: string; keyManagement: string }[] {
  return recipientInfos.map((ri) => {
    if (ri instanceof asn1js.Sequence)
      return { kind: 'ktri', keyManagement: keyTransportName(ri.valueBlock.value[2]) };
    if (isContext(ri, 1)) {
      try {
        return { kind: 'kari', keyManagement: keyAgreementName(parseKari(ri).algorithm) };
      } catch {
        return { kind: 'kari', keyManagement: 'unknown' }; // reporting only
      }
    }
    const kinds = ['', '', 'kekri', 'pwri', 'ori'];
    const tag = (ri as asn1js.BaseBlock).idBlock?.tagNumber ?? -1;
    return { kind: kinds[tag] ?? 'unknown', keyManagement: 'unknown' };
  });
}

/**
 * Our content-encryption key. `cms.no-recipient` when no RecipientInfo names our certificate (the
 * names are public); after that, every failure is the single `cms.decrypt-failed`.
 */
export async function recoverContentKey(
  recipientInfos: asn1js.AsnType[],
  identity: Identity,
  env: CoreEnv,
): Promise<RecoveredKey> {
  const ours = findOurs(recipientInfos, identity);
  if (!ours) {
    throw new SelloError('cms.no-recipient', 'The message is not encrypted to this certificate.');
  }
  if (ours.kind === 'ktri') {
    return {
      cek: await decryptKeyTrans(ours.algorithm, ours.encryptedKey, identity, env),
      keyManagement: keyTransportName(ours.algorithm),
    };
  }
  return {
    cek: await decryptKeyAgree(ours.kari, ours.encryptedKey, identity, env),
    keyManagement: keyAgreementName(ours.kari.algorithm),
  };
}
