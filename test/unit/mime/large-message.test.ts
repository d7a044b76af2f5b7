import { describe, expect, it } from 'vitest';
import {
  buildMessage,
  canonicalize,
  decodeBody,
  decodeText,
  getFilename,
  parseMessage,
} from '../../../shared/mime';
import { equalBytes } from '../../../shared/bytes';

describe('large messages', () => {
  it('parses a 32 MB message with a 24 MB attachment, keeping views into the input', () => {
    const data = new Uint8Array(24 * 1024 * 1024);
    for (let i = 0; i < data.length; i += 4096) data.fill(i & 0xff, i, i + 4096);
    data[data.length - 1] = 0x42;
    const message = buildMessage({
      from: 'a@example.com',
      subject: 'big',
      text: 'see attachment',
      attachments: [{ filename: 'video.bin', data }],
    });
    expect(message.length).toBeGreaterThan(32 * 1024 * 1024);
    const root = parseMessage(message);
    // Identity and boolean checks only: a failing toEqual on 32 MB would spend minutes printing a diff.
    expect(root.raw === message).toBe(true);
    const [text, attachment] = root.children;
    expect(decodeText(text!)).toBe('see attachment');
    expect(getFilename(attachment!)).toBe('video.bin');
    expect(attachment!.raw.buffer === message.buffer).toBe(true);
    expect(equalBytes(decodeBody(attachment!), data)).toBe(true);
    // Already canonical: nothing to rewrite, so no copy is made either.
    expect(canonicalize(message) === message).toBe(true);
  });
});
