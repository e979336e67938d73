/**
 * What a polite live region says. Messages that come in a burst (each within `quietMs` of the
 * one before, for `maxMs` at most) are said once, together: five lead updates in a second are one
 * announcement, not five that cut each other off. Consecutive messages about the same thing
 * ("TRX-7K2: Reviewed.", "TRX-7K2: Dealer assigned.") name it once:
 * "TRX-7K2: Reviewed. Dealer assigned."
 */

const ABOUT = /^([^:]{1,40}): (.+)$/s;

/** @param {string} text */
const sentence = (text) => (/[.!?…]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`);

/** One text for a burst of messages. @param {string[]} messages */
export function merge(messages) {
  const said = [];
  let about = null;
  for (const message of new Set(messages)) {
    const match = ABOUT.exec(message);
    said.push(sentence(match && match[1] === about ? match[2] : message));
    about = match ? match[1] : null;
  }
  return said.join(' ');
}

/**
 * @param {HTMLElement} region  a role=status (aria-live=polite) element
 * @param {{quietMs?: number, maxMs?: number}} [options]
 * @returns {(message: string) => void}
 */
export function announcer(region, { quietMs = 500, maxMs = 2000 } = {}) {
  /** @type {string[]} */ let burst = [];
  let timer = 0;
  let began = 0;
  const flush = () => {
    timer = 0;
    // Emptied when the burst began, so this is a change even when the text is the same as last.
    region.textContent = merge(burst);
    burst = [];
  };
  return (message) => {
    if (!message) return;
    const now = performance.now();
    if (timer) clearTimeout(timer);
    else {
      began = now;
      region.textContent = '';
    }
    burst.push(message);
    timer = window.setTimeout(flush, Math.max(0, Math.min(quietMs, began + maxMs - now)));
  };
}
