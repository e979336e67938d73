/** Buttons: primary, secondary, link and the large choice button. */
import { h } from './dom.js';

/**
 * @param {import('./dom.js').Child} label  text, or nodes
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
 * Marks a button unavailable without `disabled`, which would drop keyboard focus mid-submit.
 * @param {HTMLElement} element @param {boolean} busy @param {boolean} [spinner] show a spinner in it
 */
export function setBusy(element, busy, spinner = false) {
  if (busy) element.setAttribute('aria-disabled', 'true');
  else element.removeAttribute('aria-disabled');
  element.querySelector('.spinner')?.remove();
  if (spinner) element.prepend(h('span', { class: 'spinner', 'aria-hidden': 'true' }));
}
