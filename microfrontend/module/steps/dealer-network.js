/** DealerNetwork: no buyer yet, so the car is offered to the dealers of the network. */
import { h } from '../ui/dom.js';
import { fieldForm } from '../form.js';
import { t } from '../i18n.js';

/** @type {import('../renderer.js').Component} */
export function dealerNetwork(step, ctx) {
  return fieldForm(step, ctx, {
    submitLabel: t('network.submit'),
    before: [
      h('p', { class: 'muted' }, t('network.intro')),
    ],
  });
}
