/**
 * A small chain check for `sello lint --trust`: builds the path from the certificate through the
 * given intermediates to one of the anchors by name, checking each signature and validity period.
 * Full RFC 5280 validation (constraints, policies, revocation) is path validation's job; lint passes
 * a ChainValidator through when the caller has one.
 */
import * as pkijs from 'pkijs';
import { equalBytes } from '../bytes';
import type { CoreEnv } from '../env';
import { formatName, parseCertificateDer } from './lint-certificate-facts';

export interface SimpleChainResult {
  trusted: boolean;
  chain: string[];
  problem?: string;
}

const MAX_DEPTH = 8;

export async function checkChainToAnchors(
  certificate: Uint8Array,
  intermediates: Uint8Array[],
  anchors: Uint8Array[],
  env: CoreEnv,
): Promise<SimpleChainResult> {
  const engine = new pkijs.CryptoEngine({ name: 'sello-lint', crypto: env.crypto });
  const pool = intermediates.map(parseCertificateDer);
  const roots = anchors.map(parseCertificateDer);
  const now = env.now().getTime();
  let current = parseCertificateDer(certificate);
  const chain = [formatName(current.subject)];
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    if (current.notBefore.value.getTime() > now || current.notAfter.value.getTime() < now) {
      return {
        trusted: false,
        chain,
        problem: `${formatName(current.subject)} is outside its validity period`,
      };
    }
    const anchor = await findIssuer(current, roots, engine);
    if (anchor) {
      chain.push(formatName(anchor.subject));
      if (anchor.notAfter.value.getTime() < now)
        return { trusted: false, chain, problem: `the anchor ${formatName(anchor.subject)} has expired` };
      return { trusted: true, chain };
    }
    if (roots.some((r) => sameCertificate(r, current))) return { trusted: true, chain };
    const next = await findIssuer(current, pool, engine);
    if (!next || sameCertificate(next, current)) {
      return {
        trusted: false,
        chain,
        problem: `no issuer of ${formatName(current.subject)} among the given anchors and intermediates`,
      };
    }
    chain.push(formatName(next.subject));
    current = next;
  }
  return { trusted: false, chain, problem: 'the chain is longer than 8 certificates' };
}

async function findIssuer(
  cert: pkijs.Certificate,
  candidates: pkijs.Certificate[],
  engine: pkijs.ICryptoEngine,
): Promise<pkijs.Certificate | undefined> {
  for (const candidate of candidates) {
    if (!cert.issuer.isEqual(candidate.subject)) continue;
    try {
      if (await cert.verify(candidate, engine)) return candidate;
    } catch (e) {
      // An algorithm WebCrypto cannot verify: this candidate cannot vouch for the certificate.
      void e;
    }
  }
  return undefined;
}

function sameCertificate(a: pkijs.Certificate, b: pkijs.Certificate): boolean {
  return equalBytes(new Uint8Array(a.toSchema().toBER(false)), new Uint8Array(b.toSchema().toBER(false)));
}
