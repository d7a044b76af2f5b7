/// <reference types="office-js" />
/**
 * The task pane: waits for Office.onReady, then shows the read view (item in read mode) or the
 * compose view, plus key import. Errors are shown as text from their code, never as stack traces; in
 * compose mode every error also says that the Outlook draft is unchanged.
 */
import { looksLikePem, pemDecodeAll } from '../../shared/bytes';
import { defaultEnv } from '../../shared/env';
import { SelloError } from '../../shared/errors';
import { GraphClient } from '../../shared/graph/graph-client';
import type { EffectiveSettings } from '../../shared/policy/validate-settings';
import { importPkcs12, importTrustAnchors } from './core';
import { HostError, displayLanguage, roamingGet, supports } from './host';
import { errorText, localize, setLanguage, t, type MessageKey } from './i18n';
import { Keystore } from './keystore';
import { readCurrentMessage } from './read-message';
import { MissingCertificateError, PartlySentError, sendSecurely } from './compose-message';
import { loadSettings, ROAMING_KEY } from './settings';
import { renderStatusBar } from './status-bar';
import { showContent } from './safe-content';
import { ADDIN_SCOPES, TokenSource } from './token-source';

const env = defaultEnv();

/** Error codes with their own sentence in the pane (others use errorText). */
const CODE_TEXT: Record<string, MessageKey> = {
  'keystore.no-identity': 'compose.noIdentity',
  'message.nothing-chosen': 'compose.nothing',
};
const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

let settings: EffectiveSettings;
let tokens: TokenSource;
let graphClient: GraphClient | null = null;
const keystore = new Keystore(env.crypto);

function notice(key: MessageKey, ...subs: string[]): void {
  byId('notice').textContent = t(key, ...subs);
}

function showError(e: unknown, keepDraft: boolean): void {
  const box = byId('error');
  let text: string;
  if (e instanceof HostError) text = t('error.host', e.hostName, e.message);
  else if (e instanceof MissingCertificateError) text = t('compose.missingCert', e.address);
  else if (e instanceof SelloError && e.code in CODE_TEXT) text = t(CODE_TEXT[e.code]!);
  else if (e instanceof SelloError) text = errorText(e.code, e.message);
  else text = t('error.generic', e instanceof Error ? e.message : String(e));
  box.textContent = keepDraft ? `${text} ${t('compose.draftKept')}` : text;
  box.hidden = false;
  // The code or class only: an error object can quote data (message, cause) into the console.
  console.error(`Sello: ${e instanceof SelloError ? e.code : e instanceof Error ? e.name : typeof e}`);
}

function clearError(): void {
  byId('error').hidden = true;
  byId('error').textContent = '';
}

/** Graph, after sign-in; the sign-in button resolves the wait. */
function graph(): Promise<GraphClient> {
  const client = () =>
    new GraphClient({ baseUrl: settings.values.graphUrl, fetch: env.fetch!, getToken: tokens.getToken });
  if (tokens.signedIn) {
    graphClient ??= client();
    return Promise.resolve(graphClient);
  }
  // Resolves once the user has signed in; a failed or cancelled sign-in is explained and can be retried.
  return new Promise<GraphClient>((resolve) => {
    const section = byId('signin');
    section.hidden = false;
    byId<HTMLButtonElement>('signin-button').onclick = async () => {
      clearError();
      try {
        await tokens.signIn();
      } catch (e) {
        showError(e, byId('compose').hidden === false);
        return;
      }
      section.hidden = true;
      graphClient = client();
      resolve(graphClient);
    };
  });
}

async function startRead(): Promise<void> {
  byId('read').hidden = false;
  notice('read.opening');
  try {
    const outcome = await readCurrentMessage(graph, keystore, settings.values, env);
    if (outcome.kind === 'restricted-unreadable') {
      notice('read.restrictedUnreadable');
      return;
    }
    if (outcome.kind === 'not-smime') {
      notice('read.notSmime');
      return;
    }
    notice(outcome.raw.restricted ? 'read.restricted' : 'read.heading');
    renderStatusBar(byId('status-bar'), outcome.verdict, {
      attributesToDisplay: settings.values.senderCertificateAttributesToDisplay,
    });
    const { removedRemote } = showContent(
      byId<HTMLIFrameElement>('content'),
      outcome.parts,
      outcome.parts.inline,
    );
    byId('remote-note').hidden = removedRemote === 0;
    const list = byId('attachments');
    byId('attachments-heading').hidden = outcome.parts.attachments.length === 0;
    for (const a of outcome.parts.attachments) {
      const li = document.createElement('li');
      const link = document.createElement('a');
      link.textContent = a.name;
      link.download = a.name;
      link.href = URL.createObjectURL(new Blob([a.data as BlobPart], { type: 'application/octet-stream' }));
      li.append(link);
      list.append(li);
    }
  } catch (e) {
    showError(e, false);
  }
}

function startCompose(): void {
  byId('compose').hidden = false;
  notice('compose.heading');
  const sign = byId<HTMLInputElement>('opt-sign');
  const encrypt = byId<HTMLInputElement>('opt-encrypt');
  const { alwaysSign, alwaysEncrypt } = settings.values;
  if (alwaysSign) sign.checked = sign.disabled = true;
  if (alwaysEncrypt) encrypt.checked = encrypt.disabled = true;
  byId('policy-note').hidden = !(alwaysSign || alwaysEncrypt);
  const send = byId<HTMLButtonElement>('send');
  const progress = byId<HTMLProgressElement>('progress');
  send.onclick = async () => {
    clearError();
    send.disabled = true;
    notice('compose.sending');
    try {
      const result = await sendSecurely(
        { sign: sign.checked, encrypt: encrypt.checked },
        {
          graph,
          keystore,
          env,
          settings: settings.values,
          onProgress: (p) => {
            progress.hidden = false;
            progress.value = Math.round((100 * p.sent) / p.total);
            notice('compose.uploading', String(progress.value));
          },
        },
      );
      notice(result.draftDiscarded ? 'compose.sent' : 'compose.sentKeepDraft');
    } catch (e) {
      if (e instanceof PartlySentError) {
        // Some recipients have the message: "nothing was sent" would be false. The draft stays for the rest.
        notice('compose.partlySent', e.missed.join(', '));
        showError(e.cause, false);
      } else {
        notice('compose.draftKept');
        showError(e, true);
      }
      send.disabled = false;
    }
  };
}

async function listKeys(): Promise<void> {
  const ids = await keystore.identities();
  byId('keys-list').textContent = ids.length
    ? ids.map((r) => `${r.commonName} <${r.emails.join(', ')}>`).join('; ')
    : t('keys.none');
}

function wireKeyImport(): void {
  byId<HTMLFormElement>('p12-form').onsubmit = async (ev) => {
    ev.preventDefault();
    clearError();
    const file = byId<HTMLInputElement>('p12-file').files?.[0];
    if (!file) return;
    const password = byId<HTMLInputElement>('p12-password');
    try {
      const imported = await importPkcs12(new Uint8Array(await file.arrayBuffer()), password.value, env);
      for (const identity of imported.identities) await keystore.addIdentity(identity);
      password.value = '';
      notice('keys.imported', file.name);
      await listKeys();
    } catch (e) {
      showError(e, false);
    }
  };
  byId<HTMLFormElement>('cert-form').onsubmit = async (ev) => {
    ev.preventDefault();
    clearError();
    const file = byId<HTMLInputElement>('cert-file').files?.[0];
    if (!file) return;
    try {
      const bytes = new Uint8Array(await file.arrayBuffer());
      if (byId<HTMLInputElement>('cert-trust').checked) {
        const { anchors, refused } = await importTrustAnchors(bytes, file.name, env);
        for (const der of anchors) await keystore.addCertificate(der, 'trust');
        if (refused.length > 0) throw new SelloError('trust.refused', refused.join('; '));
      } else {
        const ders = looksLikePem(bytes)
          ? pemDecodeAll(new TextDecoder().decode(bytes)).map((p) => p.der)
          : [bytes];
        for (const der of ders) await keystore.addCertificate(der, 'addressBook');
      }
      notice('keys.imported', file.name);
    } catch (e) {
      showError(e, false);
    }
  };
}

async function start(): Promise<void> {
  document.documentElement.lang = setLanguage(displayLanguage());
  localize(document);
  if (!supports('1.8')) {
    notice('app.hostUnsupported');
    return;
  }
  settings = await loadSettings({
    fetch: env.fetch!,
    base: location.href,
    roaming: () => roamingGet(ROAMING_KEY),
  });
  const pagesBase = new URL('.', location.href).href;
  tokens = new TokenSource({
    config: {
      authority: settings.values.authorityUrl,
      tenant: settings.values.graphTenantId,
      clientId: settings.values.graphClientId,
      redirectUri: new URL('auth-dialog.html', pagesBase).href,
      scopes: ADDIN_SCOPES,
    },
    crypto: env.crypto,
    fetch: env.fetch!,
    now: () => Date.now(),
    pagesBase,
  });
  wireKeyImport();
  await listKeys();
  const mode = new URLSearchParams(location.search).get('mode');
  const item = Office.context.mailbox.item;
  const composing =
    mode === 'compose' ||
    (item !== null &&
      item !== undefined &&
      'to' in item &&
      typeof (item.to as { getAsync?: unknown }).getAsync === 'function');
  if (composing) startCompose();
  else await startRead();
}

void Office.onReady(() => start().catch((e: unknown) => showError(e, false)));
