/** CarInQuestions: the CarIn questionnaire; CarIn ranks the stock by the answers. */
import { h } from '../ui/dom.js';
import { fieldForm } from '../form.js';

/** @type {import('../renderer.js').Component} */
export function carInQuestions(step, ctx) {
  return fieldForm(step, ctx, {
    submitLabel: 'Find my matches',
    before: [
      h(
        'p',
        { class: 'muted' },
        'A few questions, and CarIn ranks every car in stock by how well it fits you.',
      ),
    ],
  });
}
