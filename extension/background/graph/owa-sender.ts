/** The OWA content-script sender check with the `owaHosts` of the current settings. */
import { currentSettings } from '../settings';
import type { Self } from '../sender-policy';
import { checkOwaSender, type ContentSender } from './owa-sender-check';

/** Returns the sender's tab id, or throws `message.sender-refused`. */
export async function authorizeOwaContentScript(sender: ContentSender, self: Self): Promise<number> {
  return checkOwaSender(sender, self, (await currentSettings()).owaHosts);
}
