/**
 * Large attachments arrive in slices before the send (extension/background/attachment-staging.ts): the
 * send gets them back whole and in order, and a send whose slices are missing is refused rather than
 * made with empty attachments.
 */
import { describe, expect, it } from 'vitest';
import {
  stageAttachmentSlice,
  withStagedAttachments,
} from '../../../extension/background/attachment-staging';
import type { Draft } from '../../../extension/background/messages';

const draft = (n: number): Draft => ({
  to: ['bob@example.org'],
  cc: [],
  bcc: [],
  subject: 's',
  html: '',
  text: '',
  sign: true,
  encrypt: true,
  attachments: Array.from({ length: n }, (_, i) => ({
    name: `a${i}.bin`,
    type: 'application/octet-stream',
    data: '',
  })),
});

describe('attachment staging', () => {
  it('joins each attachment from its slices, in order, and forgets them once taken', () => {
    stageAttachmentSlice('d1', 0, 'QUJD', true);
    stageAttachmentSlice('d1', 0, 'REVG', false);
    stageAttachmentSlice('d1', 1, '', true); // an empty file is staged as one empty slice
    const whole = withStagedAttachments('d1', draft(2));
    expect(whole.attachments.map((a) => a.data)).toEqual(['QUJDREVG', '']);
    expect(whole.attachments[0]!.name).toBe('a0.bin');
    expect(() => withStagedAttachments('d1', draft(2))).toThrow(
      expect.objectContaining({ code: 'message.attachments-lost' }),
    );
  });

  it('starts again when the first slice comes a second time (the user pressed Send again)', () => {
    stageAttachmentSlice('d2', 0, 'AAAA', true);
    stageAttachmentSlice('d2', 0, 'BBBB', false);
    stageAttachmentSlice('d2', 0, 'CCCC', true);
    expect(withStagedAttachments('d2', draft(1)).attachments[0]!.data).toBe('CCCC');
  });

  it('refuses a send whose attachments were not all staged (e.g. the worker restarted)', () => {
    stageAttachmentSlice('d3', 0, 'AAAA', true);
    expect(() => withStagedAttachments('d3', draft(2))).toThrow(
      expect.objectContaining({ code: 'message.attachments-lost' }),
    );
    expect(() => withStagedAttachments('never-staged', draft(1))).toThrow(
      expect.objectContaining({ code: 'message.attachments-lost' }),
    );
  });

  it('refuses a slice without its first slice, and an attachment past the size ceiling', () => {
    expect(() => stageAttachmentSlice('d4', 3, 'AAAA', false)).toThrow(
      expect.objectContaining({ code: 'message.invalid' }),
    );
    const eight = 'A'.repeat(8 * 1024 * 1024);
    stageAttachmentSlice('d5', 0, eight, true);
    for (let i = 1; i < 6; i++) stageAttachmentSlice('d5', 0, eight, false);
    expect(() => stageAttachmentSlice('d5', 0, 'AAAA', false)).toThrow(
      expect.objectContaining({ code: 'message.invalid' }),
    );
  });
});
