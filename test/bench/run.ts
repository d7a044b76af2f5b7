/**
 * `npm run bench` (not a test): sign, verify, encrypt and decrypt 1 MB and 32 MB messages through the
 * `sello` CLI beside the same `openssl cms` operation, in the same run and on the same files. Prints
 * wall time, the Sello/OpenSSL ratio and each process's peak memory (GNU time's maximum resident set).
 * Targets (issue 2 §6): at 32 MB, at most 1.5x OpenSSL's wall time and peak memory at most 4x the message.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeOpensslPki } from '../helpers/openssl-pki';
import { benchExtension } from './extension';

const SELLO = fileURLToPath(new URL('../../bin/sello.js', import.meta.url));
const TIME = '/usr/bin/time';
const SIZES = (process.env.SELLO_BENCH_SIZES ?? '1,32').split(',').filter(Boolean).map(Number);
/** `SELLO_BENCH_EXTENSION=0` leaves out the Chromium part, `SELLO_BENCH_SIZES=` (empty) the CLI part. */
const EXTENSION = process.env.SELLO_BENCH_EXTENSION !== '0';

interface Run {
  seconds: number;
  maxRssKb: number;
  ok: boolean;
}

function measure(cmd: string[], out: string): Run {
  const start = process.hrtime.bigint();
  const r = spawnSync(TIME, ['-f', '%M', '-o', `${out}.time`, ...cmd], {
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 1024 * 1024 * 1024,
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.stdout) writeFileSync(out, r.stdout);
  const maxRssKb = Number(readFileSync(`${out}.time`, 'utf8').trim().split('\n').pop());
  const ok = r.status === 0;
  if (!ok)
    process.stderr.write(
      `  ${cmd.slice(0, 3).join(' ')} exited ${r.status}: ${r.stderr.toString().split('\n')[0]}\n`,
    );
  return { seconds, maxRssKb, ok };
}

/** A realistic message: text part plus a base64 attachment making up `mb` megabytes in all. */
function makeMessage(path: string, mb: number): void {
  const payload = Buffer.alloc(Math.floor(((mb * 1024 * 1024) / 4) * 3));
  for (let i = 0; i < payload.length; i += 65536)
    payload.fill(i & 0xff, i, Math.min(payload.length, i + 65536));
  const b64 = payload.toString('base64').replace(/.{76}/g, '$&\r\n');
  writeFileSync(
    path,
    [
      'From: Alice <alice@interop.example>',
      'To: Bob <bob@interop.example>',
      'Subject: benchmark',
      `Date: ${new Date().toUTCString()}`,
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="bench-boundary"',
      '',
      '--bench-boundary',
      'Content-Type: text/plain; charset=us-ascii',
      '',
      'The attachment is the payload.',
      '--bench-boundary',
      'Content-Type: application/octet-stream; name="payload.bin"',
      'Content-Transfer-Encoding: base64',
      'Content-Disposition: attachment; filename="payload.bin"',
      '',
      b64,
      '--bench-boundary--',
      '',
    ].join('\r\n'),
  );
}

function fmt(r: Run): string {
  return `${r.seconds.toFixed(2).padStart(7)} s ${(r.maxRssKb / 1024).toFixed(0).padStart(6)} MB${r.ok ? '' : ' FAILED'}`;
}

function benchCli(): void {
  if (!existsSync(TIME)) throw new Error('GNU time is needed for peak memory: apt-get install time');
  const dir = mkdtempSync(join(tmpdir(), 'sello-bench-'));
  try {
    const pki = makeOpensslPki(dir, [{ name: 'Alice', keyType: 'rsa2048' }]);
    const alice = pki.users.Alice!;
    const pass = ['--pass-file', pki.passFile];
    const node = [process.execPath, SELLO];
    console.log(
      'operation            size   sello (time, peak RSS)   openssl (time, peak RSS)   ratio  RSS/size',
    );
    for (const mb of SIZES) {
      const msg = join(dir, `msg-${mb}.eml`);
      makeMessage(msg, mb);
      const f = (n: string) => join(dir, `${n}-${mb}`);
      const rows: [string, Run, Run][] = [];
      rows.push([
        'sign (detached)',
        measure([...node, 'sign', '--key', alice.p12, ...pass, msg], f('s-signed')),
        measure(['openssl', 'cms', '-sign', '-in', msg, '-signer', alice.certPem, '-inkey', alice.keyPem, '-certfile', pki.interPem, '-out', f('o-signed')], f('o-sign')), // prettier-ignore
      ]);
      rows.push([
        'verify',
        measure([...node, 'verify', '--trust', pki.rootPem, f('s-signed')], f('s-verify')),
        measure(['openssl', 'cms', '-verify', '-in', f('o-signed'), '-CAfile', pki.rootPem, '-out', '/dev/null'], f('o-verify')), // prettier-ignore
      ]);
      rows.push([
        'encrypt (aes256-cbc)',
        measure([...node, 'encrypt', '--to', alice.certPem, msg], f('s-enc')),
        measure(['openssl', 'cms', '-encrypt', '-aes256', '-in', msg, '-out', f('o-enc'), alice.certPem], f('o-encrypt')), // prettier-ignore
      ]);
      rows.push([
        'decrypt',
        measure([...node, 'decrypt', '--key', alice.p12, ...pass, f('s-enc')], f('s-dec')),
        measure(['openssl', 'cms', '-decrypt', '-in', f('o-enc'), '-recip', alice.certPem, '-inkey', alice.keyPem, '-out', '/dev/null'], f('o-decrypt')), // prettier-ignore
      ]);
      for (const [op, s, o] of rows) {
        const ratio = s.seconds / o.seconds;
        const rssRatio = (s.maxRssKb * 1024) / (mb * 1024 * 1024);
        console.log(
          `${op.padEnd(20)} ${`${mb} MB`.padStart(5)}  ${fmt(s)}        ${fmt(o)}      ${ratio.toFixed(2).padStart(5)}x ${rssRatio.toFixed(1).padStart(6)}x`,
        );
      }
    }
    console.log(
      '\nsello times include Node start-up (the CLI runs from a cached esbuild bundle, about 0.15 s).',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  if (SIZES.length > 0) benchCli();
  if (EXTENSION) await benchExtension();
}

await main();
