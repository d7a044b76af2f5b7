import type { Command } from 'commander';
import * as pkijs from 'pkijs';
import { fromUtf8, looksLikePem, pemDecodeAll, toArrayBuffer } from '../../bytes';
import { defaultEnv } from '../../env';
import { SelloError } from '../../errors';
import { importPkcs12 } from '../../keys/pkcs12';
import { getHeader } from '../../mime/header-block';
import { parseMessage } from '../../mime/parse-entity';
import type { MimeEntity } from '../../mime/types';
import { summarizeCertificate } from '../../smime/certificate-summary';
import { HASH_OIDS, OID } from '../../smime/cms-port';
import { aboutFile, readInput, readPassphrase } from '../input-files';

const CIPHERS: Record<string, string> = {
  '2.16.840.1.101.3.4.1.2': 'aes-128-cbc',
  '2.16.840.1.101.3.4.1.42': 'aes-256-cbc',
  '2.16.840.1.101.3.4.1.6': 'aes-128-gcm',
  '2.16.840.1.101.3.4.1.46': 'aes-256-gcm',
  '1.2.840.113549.3.7': 'des-ede3-cbc (legacy)',
  '1.2.840.113549.3.2': 'rc2-cbc (legacy)',
};

function certificateLines(der: Uint8Array, indent = ''): string[] {
  const s = summarizeCertificate(der);
  return [
    `${indent}subject:  ${s.subject}`,
    `${indent}issuer:   ${s.issuer}`,
    `${indent}serial:   ${s.serialNumber}`,
    `${indent}valid:    ${s.notBefore.toISOString()} .. ${s.notAfter.toISOString()}`,
    `${indent}key:      ${s.publicKey}${s.isCa ? ' (CA)' : ''}`,
    ...(s.emails.length ? [`${indent}emails:   ${s.emails.join(', ')}`] : []),
  ];
}

function cmsLines(der: Uint8Array): string[] {
  const ci = pkijs.ContentInfo.fromBER(toArrayBuffer(der));
  if (ci.contentType === OID.signedData) {
    const sd = new pkijs.SignedData({ schema: ci.content });
    const certs = (sd.certificates ?? []).filter(
      (c): c is pkijs.Certificate => c instanceof pkijs.Certificate,
    );
    const lines = [
      'CMS SignedData',
      `  content:      ${sd.encapContentInfo.eContent ? `embedded (opaque), ${sd.encapContentInfo.eContent.valueBlock.valueHexView.length} bytes` : 'detached'}`,
      `  signers:      ${sd.signerInfos.length}`,
    ];
    for (const si of sd.signerInfos) {
      lines.push(`    digest ${HASH_OIDS[si.digestAlgorithm.algorithmId] ?? si.digestAlgorithm.algorithmId}`);
    }
    lines.push(`  certificates: ${certs.length}`);
    for (const c of certs) lines.push(...certificateLines(new Uint8Array(c.toSchema().toBER(false)), '    '));
    return lines;
  }
  if (ci.contentType === OID.envelopedData) {
    const ed = new pkijs.EnvelopedData({ schema: ci.content });
    const alg = ed.encryptedContentInfo.contentEncryptionAlgorithm.algorithmId;
    return [
      'CMS EnvelopedData',
      `  content cipher: ${CIPHERS[alg] ?? alg}`,
      `  recipients:     ${ed.recipientInfos.length} (${ed.recipientInfos.map((r) => (r.variant === 1 ? 'key transport' : r.variant === 2 ? 'key agreement' : `type ${r.variant}`)).join(', ')})`,
    ];
  }
  if (ci.contentType === OID.authEnvelopedData)
    return ['CMS AuthEnvelopedData (AES-GCM, integrity protected)'];
  return [`CMS ContentInfo of type ${ci.contentType}`];
}

function treeLines(e: MimeEntity, depth = 0): string[] {
  const ct = `${e.contentType.type}/${e.contentType.subtype}`;
  const extra = e.contentType.params['smime-type']
    ? `; smime-type=${e.contentType.params['smime-type']}`
    : '';
  const lines = [`${'  '.repeat(depth + 1)}${e.path || '(root)'}  ${ct}${extra}  ${e.body.length} bytes`];
  for (const c of e.children) lines.push(...treeLines(c, depth + 1));
  return lines;
}

function messageLines(bytes: Uint8Array): string[] {
  const root = parseMessage(bytes);
  const lines = ['message'];
  for (const h of ['From', 'To', 'Subject', 'Date']) {
    const v = getHeader(root, h);
    if (v) lines.push(`  ${`${h}:`.padEnd(9)}${v}`);
  }
  lines.push('  structure:', ...treeLines(root));
  const ct = root.contentType;
  if (ct.subtype === 'signed' || ct.subtype.endsWith('pkcs7-mime')) {
    lines.push('  S/MIME: run `sello verify` (with --key for encrypted messages) for the verdict');
  }
  return lines;
}

function looksLikeMessage(bytes: Uint8Array): boolean {
  const head = fromUtf8(bytes.subarray(0, 512));
  return /^[!-9;-~]+:/.test(head);
}

async function describe(file: string, bytes: Uint8Array, passFile: string | undefined): Promise<string[]> {
  if (looksLikePem(bytes)) {
    const out: string[] = [];
    for (const block of pemDecodeAll(fromUtf8(bytes))) {
      if (block.label === 'CERTIFICATE') out.push('certificate', ...certificateLines(block.der, '  '));
      else if (block.label === 'PKCS7' || block.label === 'CMS') out.push(...cmsLines(block.der));
      else out.push(`PEM block ${block.label} (not summarised)`);
    }
    return out;
  }
  if (looksLikeMessage(bytes)) return messageLines(bytes);
  if (bytes[0] !== 0x30)
    throw new SelloError('usage.unknown-file', 'not a certificate, PKCS#12, CMS blob or message');
  try {
    return ['certificate', ...certificateLines(bytes, '  ')];
  } catch {
    // not a certificate: try the other DER structures
  }
  try {
    const ci = pkijs.ContentInfo.fromBER(toArrayBuffer(bytes));
    if (ci.contentType.startsWith('1.2.840.113549.1.')) return cmsLines(bytes);
  } catch {
    // not a ContentInfo: try PKCS#12
  }
  const env = defaultEnv();
  try {
    const p12 = await importPkcs12(bytes, readPassphrase(passFile), env);
    const lines = [
      `PKCS#12${p12.legacyProtection ? ' (legacy protection: 3DES/RC2/SHA-1; export again with Sello)' : ''}`,
    ];
    for (const id of p12.identities) {
      lines.push(
        `  identity${id.friendlyName ? ` "${id.friendlyName}"` : ''}`,
        ...certificateLines(id.certificate, '    '),
      );
    }
    lines.push(`  certificates: ${p12.certificates.length}`);
    return lines;
  } catch (e) {
    if (e instanceof SelloError && e.code === 'pkcs12.wrong-password') {
      return ['PKCS#12 (protected: give the passphrase with --pass-file or SELLO_PASS to list its contents)'];
    }
    if (e instanceof SelloError && e.code !== 'pkcs12.malformed') throw e;
  }
  throw new SelloError('usage.unknown-file', 'not a certificate, PKCS#12, CMS blob or message');
}

/** `sello inspect FILE`: a readable summary of a certificate, PKCS#12, CMS blob or message. */
export function register(program: Command): void {
  program
    .command('inspect')
    .description('summarise a certificate (PEM/DER), PKCS#12, CMS blob or message')
    .option('--pass-file <F>', 'PKCS#12 passphrase file (default: $SELLO_PASS)')
    .argument('<FILE>', 'the file to inspect')
    .action(async (file: string, o: { passFile?: string }) => {
      const bytes = readInput(file);
      const lines = await aboutFile(file, () => describe(file, bytes, o.passFile));
      process.stdout.write(`${file}: ${lines.join('\n')}\n`);
    });
}
