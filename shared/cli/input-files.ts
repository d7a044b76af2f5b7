/**
 * Reading the files a command is given. Every failure becomes a SelloError whose message starts with the
 * file name, so the CLI prints one line that says which file and what is wrong with it.
 */
import { readFileSync, writeSync } from 'node:fs';
import { looksLikePem, pemDecodeAll, fromUtf8 } from '../bytes';
import type { CoreEnv } from '../env';
import { SelloError } from '../errors';
import type { Identity } from '../keys/identity';
import { importPkcs12 } from '../keys/pkcs12';

/** Prefixes a SelloError's message with the file it is about; other errors become `io.failed`. */
export async function aboutFile<T>(file: string, work: () => Promise<T> | T): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof SelloError) {
      if (e.message.startsWith(`${file}: `)) throw e;
      throw new SelloError(e.code, `${file}: ${e.message}`, { cause: e });
    }
    throw new SelloError(
      'io.failed',
      `${file}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`,
      {
        cause: e,
      },
    );
  }
}

export function readInput(file: string): Uint8Array {
  try {
    const b = readFileSync(file === '-' ? 0 : file);
    // A plain Uint8Array over the Buffer's memory: copying a 32 MB message would double the peak RSS,
    // and a Buffer must not reach the core, whose `.slice()` calls expect a copy, not a view. Small
    // reads may sit in Node's shared pool, so those are copied to keep `.buffer` theirs alone.
    return b.length < 65536 ? new Uint8Array(b) : new Uint8Array(b.buffer, b.byteOffset, b.length);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EACCES'
          ? 'permission denied'
          : code === 'EISDIR'
            ? 'is a directory'
            : 'cannot be read';
    throw new SelloError('io.unreadable', `${file}: ${why}`, { cause: e });
  }
}

/** --pass-file (first line) wins over SELLO_PASS; no passphrase at all means the empty one. */
export function readPassphrase(passFile: string | undefined): string {
  if (passFile) {
    const text = fromUtf8(readInput(passFile));
    return text.split(/\r?\n/)[0] ?? '';
  }
  return process.env.SELLO_PASS ?? '';
}

export async function loadIdentity(
  file: string,
  passFile: string | undefined,
  env: CoreEnv,
): Promise<Identity> {
  const der = readInput(file);
  const pass = readPassphrase(passFile);
  return aboutFile(file, async () => {
    const p12 = await importPkcs12(der, pass, env);
    const id = p12.identities[0];
    if (!id)
      throw new SelloError('pkcs12.no-key', 'the PKCS#12 file holds no private key with its certificate');
    return id;
  });
}

/** Certificates from a PEM (one or more) or DER file. */
export function loadCertificates(file: string): Uint8Array[] {
  const bytes = readInput(file);
  if (looksLikePem(bytes)) {
    const certs = pemDecodeAll(fromUtf8(bytes))
      .filter((b) => b.label === 'CERTIFICATE' || b.label === 'X509 CERTIFICATE')
      .map((b) => b.der);
    if (certs.length === 0)
      throw new SelloError('cert.malformed', `${file}: no CERTIFICATE block in this PEM file`);
    return certs;
  }
  if (bytes[0] !== 0x30) throw new SelloError('cert.malformed', `${file}: not a PEM or DER certificate`);
  return [bytes];
}

export function loadCertificate(file: string): Uint8Array {
  return loadCertificates(file)[0]!;
}

/** For waiting on a full non-blocking stdout without spinning. */
const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Pieces are written in order rather than joined first: no second copy of a large message. Each is
 * written out completely before the next is asked for, since a piece may be a buffer that the next
 * one reuses (encodeBase64LineChunks): hence writeSync, not a stream that could queue the buffer.
 */
export function writeOutput(bytes: Uint8Array | Iterable<Uint8Array>): void {
  for (const piece of bytes instanceof Uint8Array ? [bytes] : bytes) {
    for (let off = 0; off < piece.length;) {
      try {
        off += writeSync(1, piece, off, piece.length - off);
      } catch (e) {
        // stdout may be a non-blocking pipe whose reader is behind: wait for it rather than fail.
        if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
        Atomics.wait(pause, 0, 0, 5);
      }
    }
  }
}
