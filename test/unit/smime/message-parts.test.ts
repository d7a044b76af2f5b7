import { describe, expect, it } from 'vitest';
import { fromUtf8, utf8 } from '../../../shared/bytes';
import { splitTopLevel } from '../../../shared/smime/message-parts';

const BODY = 'hello\r\n';

describe('splitTopLevel', () => {
  it('keeps the body entity as a view when the Content-* fields close the header block', () => {
    const message = utf8(
      `From: a@example.com\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\nContent-ID: <x>\r\n\r\n${BODY}`,
    );
    const { headers, entity } = splitTopLevel(message);
    expect(fromUtf8(headers)).toBe('From: a@example.com\r\n');
    expect(fromUtf8(entity)).toBe(`Content-Type: text/plain\r\nContent-ID: <x>\r\n\r\n${BODY}`);
    expect(entity.buffer === message.buffer).toBe(true);
  });

  it('gathers the Content-* fields into a new entity when other fields come between them', () => {
    const message = utf8(
      `Content-Type: text/plain\r\nFrom: a@example.com\r\nContent-ID: <x>\r\nMIME-Version: 1.0\r\n\r\n${BODY}`,
    );
    const { headers, entity } = splitTopLevel(message);
    expect(fromUtf8(headers)).toBe('From: a@example.com\r\n');
    expect(fromUtf8(entity)).toBe(`Content-Type: text/plain\r\nContent-ID: <x>\r\n\r\n${BODY}`);
  });

  it('ends every field of the entity with CRLF when the message uses bare LF', () => {
    const { entity } = splitTopLevel(utf8(`From: a@example.com\nContent-Type: text/plain\n\n${BODY}`));
    expect(fromUtf8(entity)).toBe(`Content-Type: text/plain\r\n\r\n${BODY}`);
  });
});
