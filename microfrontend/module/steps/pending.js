/** Pending: waiting for an outcome the server pushes (the credit result); nothing to submit. */
import { clockTime, h, humanize } from '../ui/dom.js';
import { inWords } from './financing-intro.js';
import { t } from '../i18n.js';

/** What a step can wait for, in words (pending.awaiting.<awaiting>). */
const AWAITING = new Set(['credit_result']);

/** @type {import('../renderer.js').Component} */
export function pending(step) {
  const what = AWAITING.has(step.awaiting)
    ? t(`pending.awaiting.${step.awaiting}`)
    : humanize(step.awaiting).toLowerCase();
  return h(
    'div',
    { class: 'row pending' },
    h('span', { class: 'spinner', 'aria-hidden': 'true' }),
    h(
      'div',
      { class: 'stack tight' },
      h('p', null, t('pending.since', { what, time: clockTime(step.since) })),
      h(
        'p',
        { class: 'muted' },
        t('pending.usually', {
          duration: step.usualSeconds ? inWords(step.usualSeconds) : t('pending.a_few_seconds'),
        }),
      ),
    ),
  );
}
