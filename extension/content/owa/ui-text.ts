/** The content script's words, from _locales (English and Spanish) with the English as a fallback. */
const EN = {
  owa_composeButton: 'Sign / Encrypt with Sello',
  owa_composeHint:
    'Writing something confidential? Write it in Sello from the start: Outlook saves drafts to the server unencrypted.',
  owa_banner: 'This message is protected with S/MIME.',
  owa_openButton: 'Open with Sello',
  owa_replyButton: 'Reply with Sello',
  owa_opening: 'Opening in Sello…',
  owa_close: 'Close Sello',
  owa_signIn: 'Sign in to Microsoft 365',
  owa_signInAgain: 'Your Microsoft 365 sign-in has expired. Sign in again',
  owa_signedIn: 'Sello: signed in to Microsoft 365',
  owa_notConfigured: 'Sello: Microsoft 365 is not set up (app id missing)',
  owa_serverDraftWarning:
    'Outlook has already saved this draft to the server unencrypted. Delete that copy now; Sello keeps its own sealed draft.',
  owa_deleteServerDraft: 'Delete the unencrypted draft from the server',
  owa_serverDraftDeleted: 'The unencrypted Outlook draft was deleted from the server.',
  owa_sent: 'Sent with Sello. You can discard the Outlook draft.',
  owa_progress: 'Uploading: $1%',
  owa_failed: 'Sello: $1',
  owa_composeTitle: 'Secure message (Sello)',
  owa_readTitle: 'Secure message (Sello)',
} as const;

export type TextKey = keyof typeof EN;

export function t(key: TextKey, sub?: string): string {
  const localized = chrome.i18n.getMessage(key, sub === undefined ? undefined : [sub]);
  return localized || (sub === undefined ? EN[key] : EN[key].replace('$1', sub));
}

export const ENGLISH_TEXT = EN;
