/** ContactConfirmation: what is being sent (and the credit outcome), then the contact form. */
import { fieldForm } from '../form.js';
import { creditCard, summaryCard } from './summary.js';

/** @type {import('../renderer.js').Component} */
export function contactConfirmation(step, ctx) {
  return fieldForm(step, ctx, {
    submitLabel: 'Confirm and send',
    before: [creditCard(step.credit), summaryCard(step.summary, 'You are sending')].filter(
      (n) => n !== null,
    ),
  });
}
