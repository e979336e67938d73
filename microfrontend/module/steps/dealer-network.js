/** DealerNetwork: no buyer yet, so the car is offered to the dealers of the network. */
import { h } from '../ui/dom.js';
import { fieldForm } from '../form.js';

/** @type {import('../renderer.js').Component} */
export function dealerNetwork(step, ctx) {
  return fieldForm(step, ctx, {
    submitLabel: 'Offer my car',
    before: [
      h(
        'p',
        { class: 'muted' },
        'We offer your car to the dealers of our network near you. Give the VIN, or the make, model and year.',
      ),
    ],
  });
}
