/** CreditCheck: the applicant's details, with the SSN masked; the check runs after submit. */
import { h } from '../ui/dom.js';
import { fieldForm } from '../form.js';

/** @type {import('../renderer.js').Component} */
export function creditCheck(step, ctx) {
  return fieldForm(step, ctx, {
    submitLabel: 'Run the credit check',
    before: [
      h(
        'p',
        { class: 'muted' },
        'The check takes a few seconds; this page moves on by itself when the answer arrives.',
      ),
    ],
  });
}
