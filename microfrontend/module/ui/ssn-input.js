/**
 * The masked SSN input: typed like a password (hidden from onlookers and screen sharing), shown
 * on request, grouped as 123-45-6789 while typing. The element never stores it.
 */
import { button } from './button.js';
import { textField } from './fields.js';
import { t } from '../i18n.js';

/** @param {import('./fields.js').Common} spec */
export function ssnField(spec) {
  // A toggle button keeps one label; aria-pressed says whether the number is shown.
  const toggle = button(t('ssn.show'), {
    variant: 'secondary',
    attrs: { 'aria-pressed': 'false', 'aria-label': t('ssn.show.label') },
  });
  const field = textField({
    ...spec,
    value: '',
    type: 'password',
    inputmode: 'numeric',
    maxLength: 11,
    addon: toggle,
    attrs: { autocomplete: 'off', spellcheck: 'false', placeholder: '•••-••-••••' },
  });
  const input = /** @type {HTMLInputElement} */ (field.inputs[0]);
  input.addEventListener('input', () => {
    // Only while typing at the end, so editing in the middle keeps the caret where it is.
    if (!/^[\d -]*$/.test(input.value) || input.selectionStart !== input.value.length) return;
    const digits = input.value.replace(/\D/g, '').slice(0, 9);
    input.value = [digits.slice(0, 3), digits.slice(3, 5), digits.slice(5)]
      .filter(Boolean)
      .join('-');
  });
  toggle.addEventListener('click', () => {
    const show = input.type === 'password';
    input.type = show ? 'text' : 'password';
    toggle.setAttribute('aria-pressed', String(show));
  });
  return field;
}
