/**
 * What a CMS object is, without keys: for `sello inspect` and for error reports. Reads structure only;
 * nothing here verifies or decrypts.
 */
import { algorithmIdentifier, isContext, sequence } from '../keys/der';
import { CONTENT_TYPES, DIGESTS, OID } from './algorithms';
import { contentCipherInfo } from './content-encryption';
import { malformed, parseContentInfo, readingCms } from './content-info';
import { parseEnvelope } from './enveloped-data';
import { recipientKinds } from './recipient-infos';
import { certificateLabel } from './recipient-id';
import { parseSignedData } from './signed-data';
import { describeSignatureAlgorithm } from './signature-value';

export interface CmsDescription {
  /** Name of the content type (`signedData`, `envelopedData`, ...) or its OID when unknown. */
  contentType: string;
  contentTypeOid: string;
  signed?: {
    eContentType: string;
    detached: boolean;
    contentLength: number | null;
    certificates: string[];
    signers: { digestAlgorithm: string; signatureAlgorithm: string; signedAttributes: boolean }[];
  };
  encrypted?: {
    structure: 'EnvelopedData' | 'AuthEnvelopedData';
    contentCipher: string;
    weak: boolean;
    encryptedLength: number;
    recipients: { kind: string; keyManagement: string }[];
  };
}

export function describeCms(der: Uint8Array): CmsDescription {
  const ci = readingCms(() => parseContentInfo(der));
  const out: CmsDescription = {
    contentType: CONTENT_TYPES[ci.contentType] ?? ci.contentType,
    contentTypeOid: ci.contentType,
  };
  if (ci.contentType === OID.signedData) {
    const sd = parseSignedData(der);
    out.signed = {
      eContentType: CONTENT_TYPES[sd.eContentType] ?? sd.eContentType,
      detached: sd.content === null,
      contentLength: sd.content?.length ?? null,
      certificates: sd.certificates.map((c, i) => certificateLabel(c, `certificate ${i + 1}`)),
      signers: sd.signerInfos.map((si) =>
        readingCms(() => {
          const items = sequence(si, malformed, 5, 7);
          const digest = algorithmIdentifier(items[2], malformed).oid;
          const name = DIGESTS[digest]?.name;
          const attrs = isContext(items[3], 0);
          return {
            digestAlgorithm: name ?? digest,
            signatureAlgorithm: describeSignatureAlgorithm(items[attrs ? 4 : 3], name ?? 'SHA-256').name,
            signedAttributes: attrs,
          };
        }),
      ),
    };
  } else if (ci.contentType === OID.envelopedData || ci.contentType === OID.authEnvelopedData) {
    const p = parseEnvelope(der);
    const cipher = contentCipherInfo(p.cipherOid);
    out.encrypted = {
      structure: p.structure,
      contentCipher: cipher.name,
      weak: cipher.weak,
      encryptedLength: p.ciphertext.length,
      recipients: recipientKinds(p.recipientInfos),
    };
  }
  return out;
}
