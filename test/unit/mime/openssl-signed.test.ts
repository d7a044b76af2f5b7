/**
 * multipart/signed against OpenSSL: the bytes our parser hands out as the signed part must be exactly
 * what OpenSSL signed, and what our builder produces must verify in OpenSSL.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildEntity,
  buildMessage,
  canonicalize,
  decodeBody,
  parseMessage,
  splitHeaderAndBody,
  joinHeaderAndBody,
} from '../../../shared/mime';
import { concatBytes, utf8 } from '../../../shared/bytes';

const hasOpenssl = spawnSync('openssl', ['version']).status === 0;
let dir = '';
const file = (name: string) => join(dir, name);

function verifyDetached(content: Uint8Array, signatureDer: Uint8Array): number | null {
  writeFileSync(file('content.bin'), content);
  writeFileSync(file('sig.der'), signatureDer);
  return spawnSync('openssl', [
    'cms',
    '-verify',
    '-binary',
    '-noverify',
    '-inform',
    'DER',
    '-in',
    file('sig.der'),
    '-content',
    file('content.bin'),
    '-out',
    file('out.bin'),
  ]).status;
}

describe('multipart/signed interoperability with OpenSSL', () => {
  it('has openssl to talk to (test/tools/ensure-system-deps.sh installs it)', () => {
    expect(hasOpenssl).toBe(true);
  });

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'sello-mime-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        file('key.pem'),
        '-out',
        file('cert.pem'),
        '-subj',
        '/CN=alice@example.com',
        '-days',
        '2',
      ],
      { stdio: 'ignore' },
    );
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('hands out exactly the bytes OpenSSL signed, with LF or CRLF line ends around them', () => {
    writeFileSync(file('in.txt'), 'Content-Type: text/plain; charset=utf-8\n\nHola\nseñor\n\n-- \nfirma\n');
    execFileSync('openssl', [
      'smime',
      '-sign',
      '-in',
      file('in.txt'),
      '-signer',
      file('cert.pem'),
      '-inkey',
      file('key.pem'),
      '-out',
      file('signed.eml'),
    ]);
    const asWritten = new Uint8Array(readFileSync(file('signed.eml')));
    const relayed = new Uint8Array(
      Buffer.from(Buffer.from(asWritten).toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1'),
    );
    for (const message of [asWritten, relayed]) {
      const root = parseMessage(message);
      expect(root.contentType.subtype).toBe('signed');
      const [content, signature] = root.children;
      expect(verifyDetached(content!.raw, decodeBody(signature!))).toBe(0);
      // and one byte more or less does not verify
      expect(verifyDetached(concatBytes(content!.raw, utf8('\r\n')), decodeBody(signature!))).not.toBe(0);
    }
  });

  it('builds a multipart/signed around a canonical body entity that OpenSSL verifies', () => {
    const message = buildMessage({
      from: 'alice@example.com',
      to: ['bob@example.com'],
      subject: 'Firmado — 署名',
      text: 'Hola señor\nFrom the team\n',
      html: '<p>日本語</p>',
      attachments: [{ filename: 'año.bin', data: Uint8Array.from({ length: 500 }, (_, i) => i & 0xff) }],
    });
    const { headerBytes, entity } = splitHeaderAndBody(message);
    const signedContent = canonicalize(entity);
    writeFileSync(file('entity.bin'), signedContent);
    execFileSync('openssl', [
      'cms',
      '-sign',
      '-binary',
      '-md',
      'sha256',
      '-in',
      file('entity.bin'),
      '-signer',
      file('cert.pem'),
      '-inkey',
      file('key.pem'),
      '-outform',
      'DER',
      '-out',
      file('detached.der'),
    ]);
    const signature = new Uint8Array(readFileSync(file('detached.der')));
    const signedEntity = buildEntity({
      kind: 'multipart',
      subtype: 'signed',
      params: { protocol: 'application/pkcs7-signature', micalg: 'sha-256' },
      parts: [
        { kind: 'entity', bytes: signedContent },
        {
          kind: 'binary',
          contentType: 'application/pkcs7-signature',
          data: signature,
          filename: 'smime.p7s',
          disposition: 'attachment',
        },
      ],
    });
    const signedMessage = joinHeaderAndBody(headerBytes, signedEntity);
    writeFileSync(file('signed-by-us.eml'), signedMessage);
    const r = spawnSync('openssl', [
      'smime',
      '-verify',
      '-noverify',
      '-in',
      file('signed-by-us.eml'),
      '-out',
      file('verified.bin'),
    ]);
    expect(r.status, r.stderr.toString()).toBe(0);
    // Our own parser finds the same bytes.
    const [content] = parseMessage(signedMessage).children;
    expect(Buffer.from(content!.raw).equals(Buffer.from(signedContent))).toBe(true);
  });
});
