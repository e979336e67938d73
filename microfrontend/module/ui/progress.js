/** The progress bar, from the step's `navigation.progress`. */
import { h } from './dom.js';
import { t } from '../i18n.js';

/**
 * The text is the server's estimate of the time left ("About 2 minutes left"); the bar fills
 * with the steps done against the steps there may be.
 * @param {{stepsDone: number, minRemaining: number, maxRemaining: number, remainingText: string}} progress
 */
export function progressBar({ stepsDone, minRemaining, maxRemaining, remainingText }) {
  const done = minRemaining === 0 && maxRemaining === 0;
  const text = remainingText;
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
        'aria-label': t('progress.label'),
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
