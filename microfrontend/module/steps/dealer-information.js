/**
 * DealerInformation: the dealer who buys (picked from the directory in a dialog with a search,
 * or named when not listed), the dealer's offer, and the car.
 */
import { h } from '../ui/dom.js';
import { button } from '../ui/button.js';
import { control } from '../ui/fields.js';
import { openModal } from '../ui/modal.js';
import { fieldForm } from '../form.js';
import { plural, t } from '../i18n.js';

/** @typedef {{id: string, name: string, city: string, state: string, zip: string}} Dealer */

/** @param {Dealer} dealer */
const place = (dealer) => `${dealer.city}, ${dealer.state} ${dealer.zip}`;

/**
 * @param {Dealer[]} dealers @param {import('../ui/fields.js').Common} common
 * @param {import('../renderer.js').StepContext} ctx
 */
function dealerPicker(dealers, common, ctx) {
  let chosen = dealers.find((d) => d.id === common.value) ?? null;
  const shown = h('p', { 'aria-live': 'polite' });
  const open = button(t('dealer.choose'), { variant: 'secondary', onClick: () => pick() });
  const update = () => {
    shown.replaceChildren(
      chosen
        ? h('strong', null, chosen.name)
        : h('span', { class: 'muted' }, t('dealer.none')),
      chosen ? ` · ${place(chosen)}` : '',
    );
    open.textContent = t(chosen ? 'dealer.change' : 'dealer.choose');
  };
  const field = control(
    { ...common, fieldset: true },
    [open],
    h('div', { class: 'row' }, shown, open),
    () => chosen?.id,
  );

  function pick() {
    const search = /** @type {HTMLInputElement} */ (
      h('input', {
        class: 'input',
        type: 'search',
        'aria-label': t('dealer.search'),
        placeholder: t('dealer.search.placeholder'),
      })
    );
    const count = h('p', { class: 'muted', role: 'status' });
    const list = h('ul', { class: 'picker-list', 'aria-label': t('dealer.list') });
    const modal = openModal(ctx.modalHost, {
      title: t('dealer.choose'),
      body: h('div', { class: 'stack' }, search, count, list),
    });
    const render = () => {
      const query = search.value.trim().toLowerCase();
      const matches = dealers.filter((d) => `${d.name} ${place(d)}`.toLowerCase().includes(query));
      count.textContent = plural('dealer.count', matches.length);
      list.replaceChildren(
        ...matches.map((dealer) =>
          h(
            'li',
            null,
            button(
              [
                h('span', { class: 'choice-label' }, dealer.name),
                h('span', { class: 'choice-description' }, place(dealer)),
              ],
              {
                variant: 'choice',
                attrs: { 'data-dealer-id': dealer.id },
                onClick: () => {
                  chosen = dealer;
                  update();
                  field.setError('');
                  modal.close();
                },
              },
            ),
          ),
        ),
      );
    };
    search.addEventListener('input', render);
    render();
    search.focus();
  }

  update();
  return field;
}

/** @type {import('../renderer.js').Component} */
export function dealerInformation(step, ctx) {
  return fieldForm(step, ctx, {
    submitLabel: t('dealer.submit'),
    controls: { dealer_id: (field, common) => dealerPicker(step.dealers ?? [], common, ctx) },
  });
}
