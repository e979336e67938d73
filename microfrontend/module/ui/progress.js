/** The progress bar, from the step's `navigation.progress`. */
import { h } from './dom.js';

/** @param {{stepsDone: number, minRemaining: number, maxRemaining: number}} progress */
export function progressBar({ stepsDone, minRemaining, maxRemaining }) {
  const current = stepsDone + 1;
  const done = minRemaining === 0 && maxRemaining === 0;
  const low = stepsDone + minRemaining;
  const high = stepsDone + maxRemaining;
  const text = done
    ? 'All steps done'
    : `Step ${current} of ${low === high ? low : `${low}–${high}`}`;
  const percent = done
    ? 100
    : Math.round((stepsDone / (stepsDone + (minRemaining + maxRemaining) / 2)) * 100);
  return h(
    'div',
    { class: 'progress' },
    h('span', { 'aria-hidden': 'true' }, text),
    h(
      'div',
      {
        class: 'bar',
        role: 'progressbar',
        'aria-label': 'Progress',
        'aria-valuemin': 0,
        'aria-valuemax': 100,
        'aria-valuenow': percent,
        'aria-valuetext': text,
      },
      filled(Math.max(percent, 3)),
    ),
  );
}

/**
 * The bar's filled part, sized through the CSSOM: a `style` attribute is inline style, which a
 * host page's Content-Security-Policy without 'unsafe-inline' blocks.
 * @param {number} percent
 */
function filled(percent) {
  const span = h('span', {});
  span.style.width = `${percent}%`;
  return span;
}
