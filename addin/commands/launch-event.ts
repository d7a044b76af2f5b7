/// <reference types="office-js" />
/**
 * The event-based activation runtime's script (commands.html on the web, new Outlook and Mac; this file
 * alone, built as launch-event.js, in classic Outlook on Windows). It registers 'onMessageSendHandler',
 * the FunctionName of the manifest's OnMessageSend LaunchEvent, which blocks plain sends under the
 * always-sign/encrypt policy with an alert whose button opens the compose pane ('selloComposeOpenPane').
 */
import { loadSettings, ROAMING_KEY } from '../taskpane/settings';
import type { Settings } from '../../shared/policy/settings-definition';
import { decideSend } from './send-policy';

/** Where sello-settings.json is: next to this script (the runtime page or the JS file's origin). */
function base(): string {
  const script =
    typeof document !== 'undefined' ? (document.currentScript as HTMLScriptElement | null) : null;
  if (script?.src) return script.src;
  return typeof location !== 'undefined' ? location.href : 'https://localhost:3000/';
}

const scriptBase = base();

export async function onMessageSendHandler(event: Office.MailboxEvent): Promise<void> {
  let policy: Pick<Settings, 'alwaysSign' | 'alwaysEncrypt'> | null = null;
  try {
    const effective = await loadSettings({
      fetch: globalThis.fetch.bind(globalThis),
      base: scriptBase,
      roaming: () => Office.context.roamingSettings.get(ROAMING_KEY) as Partial<Settings> | undefined,
    });
    policy = effective.values;
  } catch (e) {
    // Unknown policy: decideSend blocks with its own message. Logged for the runtime's console only.
    console.warn(`Sello: policy unavailable (${e instanceof Error ? e.name : typeof e})`);
  }
  const decision = decideSend(
    policy,
    Office.context.displayLanguage ?? 'en-US',
    Office.context.requirements.isSetSupported('Mailbox', '1.14'),
  );
  event.completed(decision as Office.SmartAlertsEventCompletedOptions);
}

// Both registrations are documented: associate() for the runtime; the global for older web clients.
Office.onReady(() => undefined);
if (Office.actions?.associate) Office.actions.associate('onMessageSendHandler', onMessageSendHandler);
(globalThis as Record<string, unknown>).onMessageSendHandler = onMessageSendHandler;
