/**
 * ContactConfirmation: what is being sent (and the buyer's financing invitation, or the credit
 * outcome), then the contact form.
 */
import { fieldForm } from '../form.js';
import { creditCard, invitationCard, summaryCard } from './summary.js';

/** @type {import('../renderer.js').Component} */
export function contactConfirmation(step, ctx) {
  return fieldForm(step, ctx, {
    submitLabel: 'Confirm and send',
    before: [
      invitationCard(step.summary?.financing) ?? creditCard(step.credit),
      summaryCard(step.summary, 'You are sending'),
    ].filter(
      (n) => n !== null,
    ),
  });
}
