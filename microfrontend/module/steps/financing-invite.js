/**
 * FinancingInvite: the seller sends the buyer a private link to apply for financing. The channel
 * first; then only the address that channel needs (prefilled from the sale's buyer details).
 */
import { h } from '../ui/dom.js';
import { fieldForm, defaultControl } from '../form.js';
import { plural, t } from '../i18n.js';

const ADDRESS_OF = { email: 'buyer_email', sms: 'buyer_phone' };

/** @type {import('../renderer.js').Component} */
export function financingInvite(step, ctx) {
  /** @type {Map<string, import('../ui/fields.js').Control>} */
  const addresses = new Map();
  /** @type {import('../ui/fields.js').Control | null} */
  let channel = null;
  const update = () => {
    const chosen = channel?.read();
    for (const [name, made] of addresses) {
      const hide = /** @type {Record<string, string>} */ (ADDRESS_OF)[chosen] !== name;
      made.element.hidden = hide;
      made.element.style.display = hide ? 'none' : ''; // .field's display outranks [hidden]
    }
  };
  /** @type {import('../form.js').ControlFactory} */
  const channelControl = (field, common) => {
    channel = defaultControl(field, { ...common, onchange: () => update() });
    return channel;
  };
  /** @type {import('../form.js').ControlFactory} */
  const addressControl = (field, common) => {
    const made = defaultControl(field, { ...common, optional: false, required: true });
    if (!made) return null;
    const read = made.read;
    made.read = () => (made.element.hidden ? undefined : read());
    addresses.set(field.name, made);
    return made;
  };
  const days = step.validDays;
  const view = fieldForm(step, ctx, {
    submitLabel: t('invite.submit'),
    controls: {
      invite_channel: channelControl,
      buyer_email: addressControl,
      buyer_phone: addressControl,
    },
    after: [
      h(
        'p',
        { class: 'muted', 'data-invite-terms': true },
        plural('invite.terms', days),
      ),
    ],
  });
  update();
  return view;
}
