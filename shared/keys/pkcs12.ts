/**
 * PKCS#12 (RFC 7292) import and export: the .p12/.pfx files users get from their CA, Windows, macOS,
 * Thunderbird or OpenSSL. Import reads password-integrity files with PBES2 or the legacy PKCS#12 PBE
 * schemes; export writes PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC) with an HMAC-SHA256 MAC.
 *
 * Every failure is one of pkcs12.wrong-password, pkcs12.malformed, pkcs12.unsupported (naming the
 * algorithm) or pkcs12.no-key: whatever asn1js, WebCrypto or a cipher throws is mapped to those.
 */
import { equalBytes } from '../bytes';
import type { CoreEnv } from '../env';
import { isSelloError, SelloError } from '../errors';
import { readCertificateFields, type CertificateFields } from './certificate-fields';
import { explicit, octets, oid, parseDer, sequence, smallInt } from './der';
import type { Identity } from './identity';
import {
  DEFAULT_PKCS12_LIMITS,
  malformed,
  nameOf,
  unsupported,
  wrongPassword,
  type Pkcs12Limits,
} from './pbe-common';
import {
  OID_DATA,
  readAuthenticatedSafeItem,
  type BagContext,
  type FoundCertificate,
  type FoundKey,
} from './pkcs12-bags';
import { verifyMac } from './pkcs12-mac';
import { keyMatchesCertificate } from './private-key';

export { exportPkcs12, type Pkcs12ExportOptions } from './pkcs12-export';
export { DEFAULT_PKCS12_LIMITS, type Pkcs12Limits } from './pbe-common';

export interface Pkcs12Contents {
  identities: (Identity & { friendlyName?: string })[];
  /** Every certificate in the file, in file order, each once. */
  certificates: Uint8Array[];
  /**
   * The file relies on protection a modern writer would not choose: PKCS#12/PKCS#5 v1 PBE, DES, 3DES
   * or RC2, or a SHA-1 MAC. The UI suggests exporting again with Sello. A file with no MAC or with
   * unencrypted bags is not "legacy" but unprotected, and reports false here.
   */
  legacyProtection: boolean;
}

/** Chains longer than this are loops or junk; real S/MIME chains have 2 to 4 certificates. */
const MAX_CHAIN = 10;

export async function importPkcs12(
  der: Uint8Array,
  password: string,
  env: CoreEnv,
  limits: Partial<Pkcs12Limits> = {},
): Promise<Pkcs12Contents> {
  const lim = { ...DEFAULT_PKCS12_LIMITS, ...limits };
  try {
    return await importUnchecked(der, password, env, lim);
  } catch (e) {
    throw asPkcs12Error(e);
  }
}

/** Keeps the error surface to pkcs12.* codes whatever layer failed. */
function asPkcs12Error(e: unknown): SelloError {
  if (e instanceof SelloError) {
    if (e.code.startsWith('pkcs12.')) return e;
    if (e.code.endsWith('unsupported')) return new SelloError('pkcs12.unsupported', e.message, { cause: e });
    return new SelloError('pkcs12.malformed', 'The file is not a well-formed PKCS#12 (PFX) file.', {
      cause: e,
    });
  }
  return new SelloError('pkcs12.malformed', 'The file is not a well-formed PKCS#12 (PFX) file.', {
    cause: e,
  });
}

async function importUnchecked(
  der: Uint8Array,
  password: string,
  env: CoreEnv,
  limits: Pkcs12Limits,
): Promise<Pkcs12Contents> {
  if (der.length === 0 || der.length > limits.maxBytes) throw malformed();
  // PFX ::= SEQUENCE { version INTEGER {v3(3)}, authSafe ContentInfo, macData MacData OPTIONAL }
  const pfx = sequence(parseDer(der, malformed), malformed, 2, 3);
  if (smallInt(pfx[0], malformed) !== 3) throw malformed('Only PKCS#12 version 3 files are supported.');
  const authSafe = sequence(pfx[1], malformed, 1, 2);
  const authSafeType = oid(authSafe[0], malformed);
  if (authSafeType !== OID_DATA) throw unsupported(nameOf(authSafeType, 'an integrity mode'), authSafeType);
  const content = octets(explicit(authSafe[1], 0, malformed), malformed);

  let legacy = false;
  let integrityVerified = false;
  if (pfx[2] !== undefined) {
    const mac = verifyMac(pfx[2], content, password, limits);
    if (!mac) throw wrongPassword();
    integrityVerified = true;
    legacy = mac.hash === 'SHA-1';
  }

  const ctx: BagContext = { password, limits, env, integrityVerified, keys: [], certificates: [], legacy };
  for (const item of sequence(parseDer(content, malformed), malformed))
    await readAuthenticatedSafeItem(item, ctx);

  const certificates = dedupe(ctx.certificates);
  const parsed = certificates.map((c) => ({ ...c, fields: readCertificateFields(c.der) }));
  const identities: Pkcs12Contents['identities'] = [];
  for (const key of ctx.keys) {
    for (const cert of await certificatesFor(key, parsed, env)) {
      const friendlyName = key.friendlyName ?? cert.friendlyName;
      identities.push({
        certificate: cert.der,
        chain: buildChain(cert, parsed),
        privateKey: key.pkcs8,
        ...(friendlyName !== undefined ? { friendlyName } : {}),
      });
    }
  }
  if (identities.length === 0) {
    throw new SelloError(
      'pkcs12.no-key',
      ctx.keys.length === 0
        ? 'The file holds no private key, only certificates.'
        : 'The file holds a private key but not the certificate that belongs to it.',
    );
  }
  return { identities, certificates: certificates.map((c) => c.der), legacyProtection: ctx.legacy };
}

function dedupe(certs: FoundCertificate[]): FoundCertificate[] {
  const out: FoundCertificate[] = [];
  for (const c of certs) if (!out.some((o) => equalBytes(o.der, c.der))) out.push(c);
  return out;
}

type ParsedCertificate = FoundCertificate & { fields: CertificateFields };

async function matches(key: FoundKey, cert: ParsedCertificate, env: CoreEnv): Promise<boolean | undefined> {
  try {
    return await keyMatchesCertificate(key.pkcs8, cert.der, env);
  } catch (e) {
    // A key type Sello cannot compare (e.g. Ed25519): fall back to the localKeyId pairing alone.
    if (isSelloError(e, 'cms.key-unsupported')) return undefined;
    throw e;
  }
}

/**
 * The certificate(s) of a key: the one with the same localKeyId if its public key agrees, otherwise
 * every certificate carrying the key's public key (a renewed certificate may reuse a key).
 */
async function certificatesFor(
  key: FoundKey,
  certs: ParsedCertificate[],
  env: CoreEnv,
): Promise<ParsedCertificate[]> {
  const byId = key.localKeyId
    ? certs.find((c) => c.localKeyId && equalBytes(c.localKeyId, key.localKeyId!))
    : undefined;
  if (byId && (await matches(key, byId, env)) !== false) return [byId];
  const out: ParsedCertificate[] = [];
  for (const c of certs) if ((await matches(key, c, env)) === true) out.push(c);
  return out;
}

/** Issuers from the bag, nearest first: subject = issuer by exact DER, key identifiers agreeing when both exist. */
function buildChain(leaf: ParsedCertificate, pool: ParsedCertificate[]): Uint8Array[] {
  const chain: ParsedCertificate[] = [];
  let current = leaf;
  while (chain.length < MAX_CHAIN && !equalBytes(current.fields.subject, current.fields.issuer)) {
    const from = current;
    const candidates = pool.filter(
      (c) => c !== leaf && !chain.includes(c) && equalBytes(c.fields.subject, from.fields.issuer),
    );
    const aki = from.fields.authorityKeyId;
    const issuer =
      candidates.find((c) => aki && c.fields.subjectKeyId && equalBytes(aki, c.fields.subjectKeyId)) ??
      candidates.find((c) => !aki || !c.fields.subjectKeyId);
    if (!issuer) break;
    chain.push(issuer);
    current = issuer;
  }
  return chain.map((c) => c.der);
}
