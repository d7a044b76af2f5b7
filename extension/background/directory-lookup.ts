/**
 * Recipients' certificates from `sello directory serve` (shared/directory/gateway): GET
 * {directoryGatewayUrl}/certificates?email=ADDR answers `{ email, certificates: [{ pem, ... }] }`.
 * Asked only for recipients the address book has nothing for; what it returns goes into the address
 * book (origin 'directory') and is validated like every other certificate before it is used.
 */
import { pemDecodeAll } from '../../shared/bytes';
import { SelloError } from '../../shared/errors';

export function directoryQueryUrl(base: string, email: string): string {
  return `${base.replace(/\/+$/, '')}/certificates?email=${encodeURIComponent(email)}`;
}

/** The DER certificates of a gateway answer; anything that is not the gateway's shape is refused. */
export function certificatesFromAnswer(body: unknown): Uint8Array[] {
  const certs = (body as { certificates?: unknown })?.certificates;
  if (!Array.isArray(certs)) throw new SelloError('directory.bad-answer', 'The directory answered nonsense.');
  const out: Uint8Array[] = [];
  for (const c of certs.slice(0, 16)) {
    const pem = (c as { pem?: unknown })?.pem;
    if (typeof pem !== 'string' || pem.length > 65536) continue;
    for (const block of pemDecodeAll(pem)) if (block.label === 'CERTIFICATE') out.push(block.der);
  }
  return out;
}

/**
 * Looks every address up (in parallel) within `timeoutMs` in total (dlExpansionTimeoutMs: the time
 * allowed to find recipients' certificates in the directory). An address the gateway does not
 * answer for in time, or at all, gets no certificates: the send then blocks on it by name.
 */
export async function lookUpInDirectory(
  base: string,
  emails: string[],
  timeoutMs: number,
  fetchFn: typeof fetch = fetch,
): Promise<Map<string, Uint8Array[]>> {
  const out = new Map<string, Uint8Array[]>();
  if (!base || emails.length === 0) return out;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    await Promise.all(
      emails.map(async (email) => {
        try {
          const res = await fetchFn(directoryQueryUrl(base, email), {
            signal: controller.signal,
            credentials: 'omit',
            headers: { accept: 'application/json' },
          });
          if (!res.ok) return;
          out.set(email, certificatesFromAnswer(await res.json()));
        } catch {
          // unreachable, timed out or malformed: this address stays without a certificate
        }
      }),
    );
  } finally {
    clearTimeout(timer);
  }
  return out;
}
