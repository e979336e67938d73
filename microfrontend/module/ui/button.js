/** Buttons: primary, secondary, link and the large choice button. */
import { h } from './dom.js';

/**
 * @param {string} label
 * @param {{variant?: 'primary'|'secondary'|'link'|'choice', type?: 'button'|'submit',
 *          onClick?: (event: Event) => void, attrs?: Record<string, any>}} [options]
 */
export function button(label, { variant = 'primary', type = 'button', onClick, attrs } = {}) {
  const element = h('button', { type, class: `btn ${variant}`, ...attrs }, label);
  if (onClick) {
    element.addEventListener('click', (event) => {
      if (element.getAttribute('aria-disabled') !== 'true') onClick(event);
    });
  }
  return element;
}

/**
 * Marks a button busy without `disabled`, which would drop keyboard focus mid-submit.
 * @param {HTMLElement} element @param {boolean} busy
 */
export function setBusy(element, busy) {
  if (busy) element.setAttribute('aria-disabled', 'true');
  else element.removeAttribute('aria-disabled');
  element.querySelector('.spinner')?.remove();
  if (busy) element.prepend(h('span', { class: 'spinner', 'aria-hidden': 'true' }));
}
