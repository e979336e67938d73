/** PrivateBuyerDetails: the car being sold and the private buyer who agreed to buy it. */
import { h } from '../ui/dom.js';
import { fieldForm } from '../form.js';
import { t } from '../i18n.js';

/** @type {import('../renderer.js').Component} */
export function privateBuyerDetails(step, ctx) {
  // The fields outside the vehicle group are about the buyer: group them too.
  const fields = step.fields.map((/** @type {any} */ f) =>
    f.group ? f : { ...f, group: 'buyer' },
  );
  return fieldForm(step, ctx, {
    fields,
    groupLabels: { buyer: t('private.buyer') },
    before: [h('p', { class: 'muted' }, t('private.intro'))],
  });
}
