/**
 * Whether the Send button is really visible to the user right now: Intersection Observer v2
 * (`trackVisibility`, Chromium 74+). The compose frame sits inside the webmail page, which can make
 * our overlay transparent, cover it with its own content or transform it, and trick the user into
 * pressing Send on a draft they cannot see (clickjacking). The browser computes `isVisible` from
 * the real rendering: false when any ancestor (up through the page) has opacity, a filter or a
 * non-2D transform, or when anything is drawn over the target.
 *
 * The target's own opacity counts too: check before greying out (disabling) the button.
 * A fresh observer is made per check: its first report reflects the frame as it is now (a report
 * kept from earlier could be stale after the user scrolled Send into view).
 */

/** IntersectionObserver v2 fields, absent from TypeScript's DOM library. */
interface V2Init extends IntersectionObserverInit {
  trackVisibility: boolean;
  delay: number;
}
interface V2Entry extends IntersectionObserverEntry {
  isVisible: boolean;
}

export type SendVisibility = 'visible' | 'hidden' | 'unsupported';

/** Whether this browser computes occlusion for us; where not, the check cannot run (docs/SECURITY.md). */
export function visibilityCheckSupported(): boolean {
  return (
    typeof IntersectionObserverEntry !== 'undefined' && 'isVisible' in IntersectionObserverEntry.prototype
  );
}

export function checkVisible(target: Element, timeoutMs = 2000): Promise<SendVisibility> {
  if (!visibilityCheckSupported()) return Promise.resolve('unsupported');
  return new Promise((resolve) => {
    const done = (v: SendVisibility) => {
      clearTimeout(timer);
      observer.disconnect();
      resolve(v);
    };
    // No report at all (the frame is not rendered, e.g. display:none around it) counts as hidden.
    const timer = setTimeout(() => done('hidden'), timeoutMs);
    // Threshold 0: a Send button partly scrolled out of the frame (the user clicked what they saw)
    // is not "hidden"; occlusion, opacity, filters and transforms still make isVisible false.
    const options: V2Init = { threshold: [0], trackVisibility: true, delay: 100 };
    const observer = new IntersectionObserver((entries) => {
      const last = entries.at(-1) as V2Entry | undefined;
      if (last) done(last.isIntersecting && last.isVisible ? 'visible' : 'hidden');
    }, options);
    observer.observe(target);
  });
}
