/**
 * A modal dialog on the native <dialog>: focus is trapped, Escape closes it, and focus returns to
 * the control that opened it.
 */
import { h, uid } from './dom.js';
import { button } from './button.js';
import { t } from '../i18n.js';

/**
 * @param {Node} host  where the dialog lives (inside the shadow root, so our styles apply)
 * @param {{title: string, body: Node, onClose?: () => void}} options
 * @returns {{close: () => void, element: HTMLDialogElement}}
 */
export function openModal(host, { title, body, onClose }) {
  const opener = /** @type {HTMLElement | null} */ (deepActiveElement());
  const titleId = uid('modal');
  const dialog = /** @type {HTMLDialogElement} */ (
    h(
      'dialog',
      { class: 'modal', 'aria-labelledby': titleId },
      h(
        'div',
        { class: 'modal-head' },
        h('h2', { id: titleId }, title),
        button(t('modal.close'), { variant: 'link', onClick: () => dialog.close() }),
      ),
      h('div', { class: 'modal-body' }, body),
    )
  );
  dialog.addEventListener('close', () => {
    dialog.remove();
    opener?.focus();
    onClose?.();
  });
  host.appendChild(dialog);
  dialog.showModal();
  return { close: () => dialog.close(), element: dialog };
}

/** The focused element, looking inside shadow roots. */
export function deepActiveElement() {
  let active = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}
