/**
 * The OnMessageSend (Smart Alerts) handler with an Office object from office-addin-mock: it registers
 * under the manifest's FunctionName and blocks a plain send while the always-sign/encrypt policy is on.
 */
import { OfficeMockObject } from 'office-addin-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { decideSend } from '../../../addin/commands/send-policy';

type Completed = { allowEvent: boolean; errorMessage?: string; cancelLabel?: string; commandId?: string };

function mockOffice(opts: { language: string; mailbox14: boolean; roaming?: Record<string, unknown> }) {
  const associated: Record<string, (e: unknown) => Promise<void>> = {};
  const office = new OfficeMockObject({
    // Outlook's objects are plain properties (no load/sync as in Excel and Word).
    host: 'outlook',
    context: {
      displayLanguage: opts.language,
      requirements: {
        isSetSupported: (name: string, version: string) =>
          name === 'Mailbox' && (opts.mailbox14 || Number(version.split('.')[1]) < 14),
      },
      roamingSettings: { get: (name: string) => opts.roaming?.[name] },
    },
    actions: {
      associate: (name: string, fn: (e: unknown) => Promise<void>) => {
        associated[name] = fn;
      },
    },
    onReady: () => Promise.resolve({ host: 'Outlook', platform: 'OfficeOnline' }),
  });
  return { office, associated };
}

function managedPolicy(body: Record<string, unknown> | null, status = 200) {
  return vi.fn(async () =>
    body === null
      ? new Response('not found', { status: 404 })
      : new Response(JSON.stringify(body), { status }),
  );
}

async function runHandler(
  office: OfficeMockObject,
  associated: Record<string, (e: unknown) => Promise<void>>,
): Promise<Completed> {
  vi.stubGlobal('Office', office);
  vi.resetModules();
  await import('../../../addin/commands/launch-event');
  const handler = associated.onMessageSendHandler;
  expect(handler).toBeTypeOf('function');
  let result: Completed | undefined;
  await handler!({ completed: (o: Completed) => (result = o) });
  return result!;
}

describe('OnMessageSend handler (office-addin-mock)', () => {
  beforeEach(() => vi.spyOn(console, 'warn').mockImplementation(() => undefined));
  afterEach(() => vi.unstubAllGlobals());

  it('lets a plain send through when no policy requires signing or encryption', async () => {
    vi.stubGlobal('fetch', managedPolicy(null));
    const { office, associated } = mockOffice({ language: 'en-US', mailbox14: true });
    expect(await runHandler(office, associated)).toEqual({ allowEvent: true });
  });

  it('blocks a plain send under the administrator always-encrypt policy and offers the compose pane', async () => {
    const fetchMock = managedPolicy({ alwaysEncrypt: true });
    vi.stubGlobal('fetch', fetchMock);
    const { office, associated } = mockOffice({ language: 'en-US', mailbox14: true });
    const r = await runHandler(office, associated);
    expect(r.allowEvent).toBe(false);
    expect(r.errorMessage).toContain('requires every message to be encrypted');
    expect(r.commandId).toBe('selloComposeOpenPane');
    expect(r.cancelLabel).toBe('Open Sello');
    expect(String((fetchMock.mock.calls[0] as unknown[])[0])).toMatch(/sello-settings\.json$/);
  });

  it("blocks under the user's own always-sign choice from roaming settings, in Spanish", async () => {
    vi.stubGlobal('fetch', managedPolicy(null));
    const { office, associated } = mockOffice({
      language: 'es-ES',
      mailbox14: true,
      roaming: { 'sello.settings': { alwaysSign: true } },
    });
    const r = await runHandler(office, associated);
    expect(r.allowEvent).toBe(false);
    expect(r.errorMessage).toContain('vayan firmados');
    expect(r.cancelLabel).toBe('Abrir Sello');
  });

  it('fails closed when the policy file cannot be read, without a pane button before Mailbox 1.14', async () => {
    vi.stubGlobal('fetch', managedPolicy({}, 500));
    const { office, associated } = mockOffice({ language: 'en-US', mailbox14: false });
    const r = await runHandler(office, associated);
    expect(r.allowEvent).toBe(false);
    expect(r.errorMessage).toContain('could not read');
    expect(r.commandId).toBeUndefined();
  });
});

describe('decideSend', () => {
  it('names both requirements and stays within the 500 characters Smart Alerts shows', () => {
    const d = decideSend({ alwaysSign: true, alwaysEncrypt: true }, 'en-GB', true);
    expect(d.errorMessage).toContain('signed and encrypted');
    expect(d.errorMessage!.length).toBeLessThanOrEqual(500);
  });
});
