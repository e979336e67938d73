/**
 * The end of the buyer's own financing (a Completion without a lead): what the seller is told,
 * and what happens next. No reference and no timeline: there is no lead of theirs to follow.
 */
import { h } from '../ui/dom.js';
import { card } from '../ui/card.js';
import { nextStepsSection } from './completion.js';

const SHARED = {
  outcome_only: 'We tell the seller only whether you prequalified, nothing else.',
  nothing: 'We tell the seller nothing about your application.',
};

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
        /** @type {Record<string, string>} */ (SHARED)[step.sharedWithSeller] ??
          'Your answers stay private.',
      ),
    ),
    nextStepsSection(step.nextSteps),
  );
}
