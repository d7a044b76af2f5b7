/// <reference types="office-js" />
/**
 * The Smart Alerts check on OnMessageSend: while the always-sign or always-encrypt policy is on, a send
 * from Outlook's own Send button would leave as plain mail (Sello sends through Graph and then discards
 * the Outlook draft, so a secured message never reaches this handler). Block it, say why, and make the
 * alert's button open Sello's compose pane (commandId, Mailbox 1.14). If the policy cannot be read,
 * the send is blocked too: failing open would defeat an "always" policy.
 */
import type { Settings } from '../../shared/policy/settings-definition';

export const COMPOSE_PANE_COMMAND = 'selloComposeOpenPane';

const TEXT = {
  en: {
    blocked: 'Your organisation requires every message to be {0}. Send this message with Sello instead.',
    signed: 'signed',
    encrypted: 'encrypted',
    signedAndEncrypted: 'signed and encrypted',
    unknown:
      'Sello could not read your organisation’s signing and encryption policy, so this message was not sent. Send it with Sello.',
    open: 'Open Sello',
  },
  es: {
    blocked: 'Su organización exige que todos los mensajes vayan {0}. Envíe este mensaje con Sello.',
    signed: 'firmados',
    encrypted: 'cifrados',
    signedAndEncrypted: 'firmados y cifrados',
    unknown:
      'Sello no pudo leer la directiva de firma y cifrado de su organización, así que este mensaje no se envió. Envíelo con Sello.',
    open: 'Abrir Sello',
  },
} as const;

export interface SendDecision {
  allowEvent: boolean;
  errorMessage?: string;
  cancelLabel?: string;
  commandId?: string;
}

export function decideSend(
  policy: Pick<Settings, 'alwaysSign' | 'alwaysEncrypt'> | null,
  displayLanguage: string,
  canOpenPane: boolean,
): SendDecision {
  const text = displayLanguage.toLowerCase().startsWith('es') ? TEXT.es : TEXT.en;
  if (policy && !policy.alwaysSign && !policy.alwaysEncrypt) return { allowEvent: true };
  const what = !policy
    ? null
    : policy.alwaysSign && policy.alwaysEncrypt
      ? text.signedAndEncrypted
      : policy.alwaysSign
        ? text.signed
        : text.encrypted;
  // Smart Alerts shows at most 500 characters.
  const errorMessage = (what ? text.blocked.replace('{0}', what) : text.unknown).slice(0, 500);
  return {
    allowEvent: false,
    errorMessage,
    ...(canOpenPane ? { cancelLabel: text.open, commandId: COMPOSE_PANE_COMMAND } : {}),
  };
}
