/**
 * DealerInformation: the dealer who buys (picked from the directory in a dialog with a search,
 * or named when not listed), the dealer's offer, and the car.
 */
import { h } from '../ui/dom.js';
import { button } from '../ui/button.js';
import { control } from '../ui/fields.js';
import { openModal } from '../ui/modal.js';
import { fieldForm } from '../form.js';

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
  const open = button('Choose a dealer', { variant: 'secondary', onClick: () => pick() });
  const update = () => {
    shown.replaceChildren(
      chosen
        ? h('strong', null, chosen.name)
        : h('span', { class: 'muted' }, 'No dealer chosen yet.'),
      chosen ? ` · ${place(chosen)}` : '',
    );
    open.textContent = chosen ? 'Change dealer' : 'Choose a dealer';
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
        'aria-label': 'Search dealers',
        placeholder: 'Name, city, state or ZIP',
      })
    );
    const count = h('p', { class: 'muted', role: 'status' });
    const list = h('ul', { class: 'picker-list', 'aria-label': 'Dealers' });
    const modal = openModal(ctx.modalHost, {
      title: 'Choose a dealer',
      body: h('div', { class: 'stack' }, search, count, list),
    });
    const render = () => {
      const query = search.value.trim().toLowerCase();
      const matches = dealers.filter((d) => `${d.name} ${place(d)}`.toLowerCase().includes(query));
      count.textContent = matches.length === 1 ? 'One dealer' : `${matches.length} dealers`;
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
    submitLabel: 'Send to the dealer',
    controls: { dealer_id: (field, common) => dealerPicker(step.dealers ?? [], common, ctx) },
  });
}
