/** VehicleSelection: the chosen vehicle in full; confirm it, or go back to the results. */
import { h } from '../ui/dom.js';
import { button } from '../ui/button.js';
import { actions } from '../ui/layout.js';
import { vehicleDetails, vehicleName } from './vehicle-card.js';
import { t } from '../i18n.js';

/** @type {import('../renderer.js').Component} */
export function vehicleSelection(step, ctx) {
  const { vehicle } = step;
  return h(
    'div',
    { class: 'stack' },
    h('h3', null, vehicleName(vehicle)),
    vehicleDetails(vehicle),
    actions(
      button(t('selection.another'), {
        variant: 'secondary',
        attrs: { 'data-submit': true },
        onClick: () => ctx.submit({ confirm: false }),
      }),
      button(t('selection.confirm'), {
        attrs: { 'data-submit': true },
        onClick: () => ctx.submit({ confirm: true }),
      }),
    ),
  );
}
