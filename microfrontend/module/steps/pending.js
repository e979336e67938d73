/** Pending: waiting for an outcome the server pushes (the credit result); nothing to submit. */
import { clockTime, h, humanize } from '../ui/dom.js';
import { inWords } from './financing-intro.js';

const AWAITING = { credit_result: 'the credit bureau’s answer' };

/** @type {import('../renderer.js').Component} */
export function pending(step) {
  const what =
    /** @type {Record<string, string>} */ (AWAITING)[step.awaiting] ??
    humanize(step.awaiting).toLowerCase();
  return h(
    'div',
    { class: 'row pending' },
    h('span', { class: 'spinner', 'aria-hidden': 'true' }),
    h(
      'div',
      { class: 'stack tight' },
      h('p', null, `Waiting for ${what}, since ${clockTime(step.since)}.`),
      h(
        'p',
        { class: 'muted' },
        `This usually takes ${step.usualSeconds ? inWords(step.usualSeconds) : 'a few seconds'}. The page moves on by itself; no need to reload.`,
      ),
    ),
  );
}
