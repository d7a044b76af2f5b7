/** How frames talk to the service worker: one typed call per request; errors come back as FrameError. */
import browser from 'webextension-polyfill';
import type { Reply, RequestOf, RequestType } from '../../background/messages';
import type { ReplyOf } from '../../background/replies';

export class FrameError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export async function call<T extends RequestType>(req: RequestOf<T>): Promise<ReplyOf<T>> {
  const reply = (await browser.runtime.sendMessage(req)) as Reply<ReplyOf<T>> | undefined;
  if (!reply) throw new FrameError('message.no-reply', 'Sello did not answer.');
  if (!reply.ok) throw new FrameError(reply.error.code, reply.error.message);
  return reply.value;
}

/** Reads a file with progress (for large attachments) and returns its bytes. */
export function readFile(
  file: File,
  onProgress?: (loaded: number, total: number) => void,
): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onprogress = (e) => onProgress?.(e.loaded, e.total);
    r.onload = () => resolve(new Uint8Array(r.result as ArrayBuffer));
    r.onerror = () => reject(new FrameError('io.read', r.error?.message ?? 'The file could not be read.'));
    r.readAsArrayBuffer(file);
  });
}

/** 3 MiB: a multiple of 3, so the slices' base64 strings join without padding in between. */
const BASE64_SLICE = 3 * 1024 * 1024;

/**
 * Reads a file straight to base64 (what messaging carries) with the browser's own encoder, off the
 * main thread: a 25 MB attachment must not freeze the compose frame while it is encoded. The file is
 * read in 3 MiB slices: turning one whole 25 MB data: URL into a string took ~180 ms on the main thread.
 */
export async function readFileBase64(
  file: File,
  onProgress?: (loaded: number, total: number) => void,
): Promise<string> {
  const parts: string[] = [];
  for (let start = 0; start < file.size || start === 0; start += BASE64_SLICE) {
    const slice = file.slice(start, Math.min(file.size, start + BASE64_SLICE));
    parts.push(
      await new Promise<string>((resolve, reject) => {
        const r = new FileReader();
        r.onprogress = (e) => onProgress?.(start + e.loaded, file.size);
        r.onload = () => {
          const url = String(r.result);
          resolve(url.slice(url.indexOf(',') + 1));
        };
        r.onerror = () =>
          reject(new FrameError('io.read', r.error?.message ?? 'The file could not be read.'));
        r.readAsDataURL(slice);
      }),
    );
    if (file.size === 0) break;
  }
  return parts.join('');
}

export function saveBytes(bytes: Uint8Array, fileName: string, type: string): void {
  const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
