/**
 * The service worker: the only place with unlocked private keys and the only place that runs crypto.
 * Static imports only (dynamic import() is not allowed in a service worker). Frames stay responsive
 * because all of this runs here, off their main threads.
 */
import { handlers } from './handlers';
import { installRouter } from './message-router';
import { setAutoLockMinutes } from './keystore';
import { currentSettings, onSettingsChanged } from './settings';
import { installOwaContentScripts } from './graph/owa-content-scripts';

installRouter(handlers);
installOwaContentScripts();

async function applyAutoLock(): Promise<void> {
  setAutoLockMinutes((await currentSettings()).autoLockMinutes);
}
onSettingsChanged(() => void applyAutoLock());
void applyAutoLock();

// Tests wait for this before talking to the worker (its target can appear before the module ran).
(globalThis as { __selloReady?: boolean }).__selloReady = true;
