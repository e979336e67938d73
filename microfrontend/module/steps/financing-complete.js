/**
 * The end of the buyer's own financing (a Completion without a lead): what the seller is told,
 * and what happens next. No reference and no timeline: there is no lead of theirs to follow.
 */
import { h } from '../ui/dom.js';
import { card } from '../ui/card.js';
import { nextStepsSection } from './completion.js';
import { t } from '../i18n.js';

/** What the seller may be told, in words (financing.shared.<choice>). */
const SHARED = new Set(['outcome_only', 'nothing']);

/** @type {import('../renderer.js').Component} */
export function financingComplete(step) {
  return h(
    'div',
    { class: 'stack' },
    card(
      { surface: true, attrs: { 'data-shared': step.sharedWithSeller } },
      h(
        'p',
        null,
        t(
          SHARED.has(step.sharedWithSeller)
            ? `financing.shared.${step.sharedWithSeller}`
            : 'financing.shared.private',
        ),
      ),
    ),
    nextStepsSection(step.nextSteps),
  );
}
