/**
 * The events the service worker sends to the OWA content script (owaEventSchema): the content script
 * checks the sender and then this schema, and drops anything else unread.
 */
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { owaEventSchema } from '../../../extension/background/graph/owa-messages';

const ok = (e: unknown) => v.safeParse(owaEventSchema, e).success;

describe('the OWA content script event schema', () => {
  it('accepts the three events the worker sends', () => {
    expect(ok({ type: 'sello.progress', draftId: 'a1b2c3', sent: 10, total: 100 })).toBe(true);
    expect(ok({ type: 'sello.sent', draftId: 'a1b2c3', owaDraftId: null })).toBe(true);
    expect(ok({ type: 'sello.sent', draftId: 'a1b2c3', owaDraftId: 'AAMkAGI2TG93AAA=' })).toBe(true);
    expect(ok({ type: 'sello.auth-changed' })).toBe(true);
  });

  it.each([
    ['an unknown type', { type: 'sello.decrypted', draftId: 'a1' }],
    ['no type', { draftId: 'a1' }],
    ['not an object', 'sello.sent'],
    ['null', null],
    ['an extra field (content must never ride along)', { type: 'sello.auth-changed', text: 'secret' }],
    ['an extra field on sent', { type: 'sello.sent', draftId: 'a1', owaDraftId: null, html: '<b>x</b>' }],
    ['markup in a draft id', { type: 'sello.sent', draftId: '<img src=x>', owaDraftId: null }],
    ['a draft id too long', { type: 'sello.sent', draftId: 'a'.repeat(65), owaDraftId: null }],
    ['a progress total of zero', { type: 'sello.progress', draftId: 'a1', sent: 0, total: 0 }],
    ['a negative count', { type: 'sello.progress', draftId: 'a1', sent: -1, total: 10 }],
    ['a count as text', { type: 'sello.progress', draftId: 'a1', sent: '5', total: 10 }],
    ['a fractional count', { type: 'sello.progress', draftId: 'a1', sent: 1.5, total: 10 }],
    ['a missing owaDraftId', { type: 'sello.sent', draftId: 'a1' }],
  ])('refuses %s', (_, e) => {
    expect(ok(e)).toBe(false);
  });
});
