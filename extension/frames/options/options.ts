/**
 * The options page: keys (import, list, default signing and per-address encryption certificates,
 * backup, remove), correspondents' certificates, trust anchors, settings and the demo transport.
 * Key material never enters this page except the user's own PKCS#12 file going in and out.
 */
import { fromBase64, toBase64 } from '../../../shared/bytes';
import {
  SETTINGS,
  SETTING_KEYS,
  type SettingDef,
  type SettingKey,
} from '../../../shared/policy/settings-definition';
import type {
  CertificateChangeView,
  CertificateView,
  IdentityView,
  SettingsView,
} from '../../background/replies';
import { changeDetail, correspondentName } from '../common/certificate-change-text';
import { FrameError, call, readFile, saveBytes } from '../common/client';
import { byId, h } from '../common/dom';
import { errorText, localize, t } from '../common/i18n';
import { renderOwaHostAccess } from './owa-host-access';

const notice = byId('notice');

function say(text: string, kind: 'ok' | 'bad' | '' = ''): void {
  notice.className = `notice ${kind}`;
  notice.setAttribute('role', kind === 'bad' ? 'alert' : 'status');
  notice.textContent = text;
}

function fail(e: unknown): void {
  if (e instanceof FrameError) say(errorText(e.code, e.message), 'bad');
  else say(t('errorUnexpected'), 'bad');
}

async function guarded(fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (e) {
    fail(e);
  }
}

function date(iso: string): string {
  return new Date(iso).toLocaleDateString(document.documentElement.lang, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
  });
}

function expiry(days: number): HTMLElement {
  if (days < 0) return h('span', { class: 'badge bad', text: t('expired') });
  const cls = days <= 30 ? 'badge warn' : 'badge ok';
  return h('span', { class: cls, text: t('expiresInDays', String(days)) });
}

function facts(c: CertificateView | IdentityView): HTMLElement {
  return h(
    'dl',
    { class: 'facts' },
    h('dt', { text: t('fieldSubject') }),
    h('dd', { text: c.subject }),
    h('dt', { text: t('fieldEmail') }),
    h('dd', { text: c.emails.join(', ') || '—' }),
    h('dt', { text: t('fieldIssuer') }),
    h('dd', { text: c.issuer }),
    h('dt', { text: t('fieldValidity') }),
    h('dd', {}, `${date(c.notBefore)} – ${date(c.notAfter)} `, expiry(c.expiresInDays)),
    h('dt', { text: t('fieldUsage') }),
    h('dd', { text: c.usage.join(', ') || t('usageUnrestricted') }),
  );
}

// ---- lock and passphrase ----
async function renderLock(): Promise<void> {
  const s = await call({ type: 'keystore.status' });
  const state = !s.hasPassphrase ? t('lockNoPassphrase') : s.locked ? t('lockLocked') : t('lockUnlocked');
  byId('lock-state').textContent = state;
  byId('unlock-form').hidden = !(s.hasPassphrase && s.locked);
  byId('current-passphrase-row').hidden = !s.hasPassphrase;
  byId('remove-passphrase').hidden = !s.hasPassphrase || s.requirePassphrase;
  byId('lock-now').hidden = !s.hasPassphrase || s.locked;
  byId('passphrase-form').querySelector('button[type=submit]')!.textContent = s.hasPassphrase
    ? t('changePassphraseButton')
    : t('setPassphraseButton');
  if (s.requirePassphrase && !s.hasPassphrase) say(t('passphraseRequiredByPolicy'));
}

byId('unlock-form').addEventListener('submit', (e) => {
  e.preventDefault();
  void guarded(async () => {
    const input = byId<HTMLInputElement>('unlock-passphrase');
    await call({ type: 'keystore.unlock', passphrase: input.value });
    input.value = '';
    say(t('unlocked'), 'ok');
    await renderAll();
  });
});

byId('passphrase-form').addEventListener('submit', (e) => {
  e.preventDefault();
  void guarded(async () => {
    const current = byId<HTMLInputElement>('current-passphrase');
    const next = byId<HTMLInputElement>('new-passphrase');
    await call({
      type: 'keystore.set-passphrase',
      current: current.hidden ? null : current.value || null,
      next: next.value,
    });
    current.value = '';
    next.value = '';
    say(t('passphraseSet'), 'ok');
    await renderAll();
  });
});

byId('remove-passphrase').addEventListener(
  'click',
  () =>
    void guarded(async () => {
      const current = byId<HTMLInputElement>('current-passphrase');
      await call({ type: 'keystore.set-passphrase', current: current.value, next: null });
      current.value = '';
      say(t('passphraseRemoved'), 'ok');
      await renderAll();
    }),
);

byId('lock-now').addEventListener(
  'click',
  () =>
    void guarded(async () => {
      await call({ type: 'keystore.lock' });
      await renderAll();
    }),
);

// ---- identities ----
function identityCard(v: IdentityView): HTMLElement {
  const exportPassword = h('input', {
    type: 'password',
    id: `export-${v.id}`,
    autocomplete: 'new-password',
    minlength: 8,
  });
  const encryptionRows = v.canEncrypt
    ? v.emails.map((addr) =>
        v.encryptionFor.includes(addr)
          ? h('p', { class: 'ok', text: t('encryptionCertFor', addr) })
          : h('button', {
              type: 'button',
              text: t('useForEncryptionTo', addr),
              onclick: () =>
                void guarded(async () => {
                  await call({ type: 'identities.set-encryption-for', address: addr, id: v.id });
                  await renderIdentities();
                }),
            }),
      )
    : [];
  return h(
    'article',
    { class: 'card', 'aria-label': v.commonName || v.subject },
    h(
      'h3',
      { text: v.commonName || v.subject },
      ' ',
      v.isDefaultSigning ? h('span', { class: 'badge ok', text: t('defaultSigning') }) : null,
    ),
    facts(v),
    h(
      'div',
      { class: 'row' },
      v.canSign && !v.isDefaultSigning
        ? h('button', {
            type: 'button',
            text: t('makeDefaultSigning'),
            onclick: () =>
              void guarded(async () => {
                await call({ type: 'identities.set-default-signing', id: v.id });
                await renderIdentities();
              }),
          })
        : null,
      ...encryptionRows,
    ),
    h(
      'form',
      {
        class: 'row',
        onsubmit: (e: Event) => {
          e.preventDefault();
          void guarded(async () => {
            const r = await call({
              type: 'identities.export-pkcs12',
              id: v.id,
              password: exportPassword.value,
            });
            exportPassword.value = '';
            saveBytes(fromBase64(r.file), r.fileName, 'application/x-pkcs12');
            say(t('exported', r.fileName), 'ok');
          });
        },
      },
      h('label', { for: `export-${v.id}`, text: t('backupPasswordLabel') }),
      exportPassword,
      h('button', { type: 'submit', text: t('exportBackupButton') }),
      h('button', {
        type: 'button',
        class: 'danger',
        text: t('removeButton'),
        onclick: () =>
          void guarded(async () => {
            if (!confirm(t('confirmRemoveIdentity', v.commonName || v.subject))) return;
            await call({ type: 'identities.remove', id: v.id });
            say(t('removed'), 'ok');
            await renderIdentities();
          }),
      }),
    ),
  );
}

async function renderIdentities(): Promise<void> {
  const list = await call({ type: 'identities.list' });
  const box = byId('identities');
  box.replaceChildren(
    ...(list.length ? list.map(identityCard) : [h('p', { class: 'muted', text: t('noIdentities') })]),
  );
}

byId('import-form').addEventListener('submit', (e) => {
  e.preventDefault();
  void guarded(async () => {
    const file = byId<HTMLInputElement>('p12-file').files?.[0];
    if (!file) return;
    const password = byId<HTMLInputElement>('p12-password');
    say(t('importing'));
    const r = await call({
      type: 'identities.import-pkcs12',
      file: toBase64(await readFile(file)),
      password: password.value,
    });
    password.value = '';
    byId<HTMLInputElement>('p12-file').value = '';
    const names = r.imported.map((i) => i.emails[0] ?? i.commonName).join(', ');
    say(t('importedIdentities', names) + (r.legacyProtection ? ' ' + t('legacyProtectionNote') : ''), 'ok');
    await renderAll();
  });
});

// ---- correspondents and trust ----
function certList(
  list: CertificateView[],
  remove: ((fp: string) => Promise<void>) | null,
  empty: string,
): HTMLElement[] {
  if (list.length === 0) return [h('p', { class: 'muted', text: t(empty) })];
  return list.map((c) =>
    h(
      'article',
      { class: 'card', 'aria-label': c.commonName || c.subject },
      h(
        'h3',
        { text: c.commonName || c.subject },
        ' ',
        h('span', { class: 'badge', text: t(`source_${c.source}`) }),
      ),
      facts(c),
      remove && c.source !== 'organisation'
        ? h('button', {
            type: 'button',
            class: 'danger',
            text: t('removeButton'),
            onclick: () => void guarded(() => remove(c.fingerprint)),
          })
        : null,
    ),
  );
}

/** A correspondent's move to another key or issuer waiting for an answer (compose asks too). */
function changeCard(c: CertificateChangeView): HTMLElement {
  const decide = (decision: 'use-new' | 'keep-previous') => () =>
    void guarded(async () => {
      await call({ type: 'recipients.resolve-change', address: c.email, decision });
      say(t(decision === 'use-new' ? 'changeUsedNew' : 'changeKeptPrevious', c.email), 'ok');
      await renderRecipients();
    });
  return h(
    'article',
    { class: 'card', 'aria-label': t('pendingChangeFor', [correspondentName(c), c.email]) },
    h('h4', { text: t('pendingChangeFor', [correspondentName(c), c.email]) }),
    h('p', { class: 'warn', text: `${t('recipient_certificate_changed')}: ${changeDetail(c)}` }),
    h('button', {
      type: 'button',
      class: 'use-new',
      text: t('useNewCertificate'),
      'aria-label': t('useNewCertificateFor', c.email),
      onclick: decide('use-new'),
    }),
    c.canKeepPrevious
      ? h('button', {
          type: 'button',
          class: 'keep-previous',
          text: t('keepPreviousCertificate'),
          'aria-label': t('keepPreviousCertificateFor', c.email),
          onclick: decide('keep-previous'),
        })
      : null,
  );
}

async function renderRecipients(): Promise<void> {
  const [list, changes] = await Promise.all([
    call({ type: 'recipients.list' }),
    call({ type: 'recipients.changes' }),
  ]);
  byId('recipient-changes').replaceChildren(
    ...(changes.length ? [h('h3', { text: t('pendingChangesTitle') }), ...changes.map(changeCard)] : []),
  );
  byId('recipients').replaceChildren(
    ...certList(
      list,
      async (fp) => {
        await call({ type: 'recipients.remove', fingerprint: fp });
        await renderRecipients();
      },
      'noRecipients',
    ),
  );
}

async function renderTrust(): Promise<void> {
  const list = await call({ type: 'trust.list' });
  byId('trust').replaceChildren(
    ...certList(
      list,
      async (fp) => {
        await call({ type: 'trust.remove', fingerprint: fp });
        await renderTrust();
      },
      'noTrustAnchors',
    ),
  );
}

function fileForm(
  formId: string,
  inputId: string,
  send: (file: string, name: string) => Promise<string>,
): void {
  byId(formId).addEventListener('submit', (e) => {
    e.preventDefault();
    void guarded(async () => {
      const input = byId<HTMLInputElement>(inputId);
      const file = input.files?.[0];
      if (!file) return;
      say(await send(toBase64(await readFile(file)), file.name), 'ok');
      input.value = '';
    });
  });
}

fileForm('recipient-form', 'recipient-file', async (file, fileName) => {
  const r = await call({ type: 'recipients.import', file, fileName });
  await renderRecipients();
  return t('importedCertificates', String(r.imported.length));
});
fileForm('trust-form', 'trust-file', async (file, fileName) => {
  const r = await call({ type: 'trust.import', file, fileName });
  await renderTrust();
  return (
    t('importedCertificates', String(r.imported.length)) +
    (r.refused.length ? ' ' + t('refusedNotCa', String(r.refused.length)) : '')
  );
});

// ---- settings ----
const HIDDEN_SETTINGS: SettingKey[] = ['trustAnchors'];
/** Legacy switches: shown with an "Unsafe" badge and why, whatever their value (issue 6). */
const UNSAFE_SETTINGS: SettingKey[] = ['allowLegacyAlgorithms', 'allowWeakCertificates'];
/**
 * Settings this version accepts (for policy) but does not act on; the page says so (docs/extension.md),
 * with a `notApplied_<key>` message. None at the moment: encryptionAlgorithmNegotiation is applied.
 */
const NOT_APPLIED_SETTINGS: SettingKey[] = [];

function settingControl(key: SettingKey, def: SettingDef, value: unknown, locked: boolean): HTMLElement {
  const id = `setting-${key}`;
  const label = t(`setting_${key}`) === `setting_${key}` ? key : t(`setting_${key}`);
  // The owaHosts setting also lists each host's access grant (managed hosts too: the user grants).
  const access = key === 'owaHosts' ? h('div', { 'data-owa-host-access': 'true' }) : null;
  const showAccess = (hosts: unknown): void => {
    if (access) renderOwaHostAccess(access, hosts as string[], chrome.permissions).catch(fail);
  };
  showAccess(value);
  const save = (v: unknown) =>
    void guarded(async () => {
      await call({ type: 'settings.set', key, value: v as string });
      say(t('settingSaved'), 'ok');
      showAccess(v);
    });
  let control: HTMLElement;
  switch (def.type) {
    case 'boolean':
      control = h('input', {
        type: 'checkbox',
        id,
        checked: value === true,
        disabled: locked,
        onchange: (e: Event) => save((e.target as HTMLInputElement).checked),
      });
      break;
    case 'integer':
      control = h('input', {
        type: 'number',
        id,
        value: String(value),
        min: def.minimum,
        max: def.maximum,
        disabled: locked,
        onchange: (e: Event) => save(Number((e.target as HTMLInputElement).value)),
      });
      break;
    case 'enum':
      control = h(
        'select',
        { id, disabled: locked, onchange: (e: Event) => save((e.target as HTMLSelectElement).value) },
        ...def.values.map((opt) => h('option', { value: opt, selected: opt === value, text: opt })),
      );
      break;
    case 'string':
      control = h('input', {
        type: 'text',
        id,
        value: String(value ?? ''),
        size: 40,
        disabled: locked,
        onchange: (e: Event) => save((e.target as HTMLInputElement).value),
      });
      break;
    case 'string-list':
      control = h('textarea', {
        id,
        rows: 2,
        cols: 40,
        disabled: locked,
        onchange: (e: Event) =>
          save(
            (e.target as HTMLTextAreaElement).value
              .split('\n')
              .map((s) => s.trim())
              .filter(Boolean),
          ),
      });
      control.textContent = (value as string[]).join('\n');
      break;
  }
  const described = `${id}-desc`;
  const unsafe = UNSAFE_SETTINGS.includes(key);
  const notApplied = NOT_APPLIED_SETTINGS.includes(key);
  control.setAttribute('aria-describedby', described);
  return h(
    'div',
    { class: 'row setting', 'data-setting': key },
    def.type === 'boolean' ? control : null,
    h('label', { for: id, text: label }),
    def.type === 'boolean' ? null : control,
    locked ? h('span', { class: 'badge warn', text: t('lockedByOrganisation') }) : null,
    unsafe ? h('span', { class: 'badge bad', text: t('settingUnsafe') }) : null,
    notApplied ? h('span', { class: 'badge warn', text: t('settingNotApplied') }) : null,
    unsafe ? h('p', { class: 'bad setting-note', text: t(`unsafe_${key}`) }) : null,
    notApplied ? h('p', { class: 'muted setting-note', text: t(`notApplied_${key}`) }) : null,
    access,
    h('span', { id: described, class: 'muted visually-hidden', text: def.description }),
  );
}

async function renderSettings(): Promise<void> {
  const s: SettingsView = await call({ type: 'settings.get' });
  const groups = new Map<string, HTMLElement[]>();
  for (const key of SETTING_KEYS) {
    if (HIDDEN_SETTINGS.includes(key)) continue;
    const def = SETTINGS[key] as SettingDef;
    const list = groups.get(def.group) ?? [];
    list.push(settingControl(key, def, s.values[key], s.locked.includes(key)));
    groups.set(def.group, list);
  }
  const issues = s.managedIssues.length
    ? h('p', {
        class: 'notice bad',
        text: t('managedIssues', s.managedIssues.map((i) => `${i.field}: ${i.reason}`).join('; ')),
      })
    : null;
  byId('settings').replaceChildren(
    ...(issues ? [issues] : []),
    ...[...groups].map(([group, rows]) =>
      h('fieldset', { class: 'card' }, h('legend', { text: t(`group_${group}`) }), ...rows),
    ),
  );
}

// ---- transport ----
byId('transport-form').addEventListener('submit', (e) => {
  e.preventDefault();
  void guarded(async () => {
    await call({ type: 'transport.set', url: byId<HTMLInputElement>('transport-url').value.trim() });
    say(t('settingSaved'), 'ok');
  });
});

async function renderAll(): Promise<void> {
  await Promise.all([renderLock(), renderIdentities(), renderRecipients(), renderTrust(), renderSettings()]);
  byId<HTMLInputElement>('transport-url').value = (await call({ type: 'transport.get' })).url;
}

localize();
void guarded(renderAll).then(() => document.body.setAttribute('data-ready', 'true'));
