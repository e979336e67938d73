/**
 * Continue later, and coming back: the resume link's parameter, the "Continue later" control
 * that sends one, and the wiring of the widget's history and drafts (`attachResume`).
 *
 * A resume link opens the host page with `?trex_resume=<token>`: read once, removed from the
 * address at once (history.replaceState, so it is neither bookmarked, shared nor sent on as a
 * referrer), and exchanged for the session (resumeSession) with a new token.
 */
import { h, uid } from './ui/dom.js';
import { button, setBusy } from './ui/button.js';
import { radioField, textField } from './ui/fields.js';
import { DraftKeeper } from './draft.js';
import { StepHistory } from './history.js';
import { t } from './i18n.js';

export const RESUME_PARAM = 'trex_resume';
const CHANNELS = () => [
  { value: 'email', label: t('later.channel.email') },
  { value: 'sms', label: t('later.channel.sms') },
];
const ADDRESS = {
  email: { type: 'email', autocomplete: 'email' },
  sms: { type: 'tel', autocomplete: 'tel' },
};

/** The resume link's token in the address, removed from it; null without one. */
export function takeResumeToken() {
  const url = new URL(window.location.href);
  const token = url.searchParams.get(RESUME_PARAM);
  if (token === null) return null;
  url.searchParams.delete(RESUME_PARAM);
  window.history.replaceState(window.history.state, '', url);
  return token.trim() || null;
}

/**
 * History, drafts and the Continue-later control for one element; returns what stops them.
 * @param {ShadowRoot} root @param {import('./provider.js').WorkflowProvider} provider
 * @param {string} key  the element's site key (its history entries carry it)
 */
export function attachResume(root, provider, key) {
  const history = new StepHistory(provider, key);
  const drafts = new DraftKeeper(root, provider);
  const later = continueLater(provider);
  root.querySelector('.trex')?.append(later.element);
  return () => {
    history.dispose();
    drafts.dispose();
    later.dispose();
    later.element.remove();
  };
}

/**
 * "Continue later": a link-style button under the step that opens a small form (how, where),
 * sends the link and says where it went. Hidden until a step is shown, and on the last step.
 * @param {import('./provider.js').WorkflowProvider} provider
 */
export function continueLater(provider) {
  const panelId = uid('later');
  const toggle = button(t('later.toggle'), {
    variant: 'link',
    attrs: { 'aria-expanded': 'false', 'aria-controls': panelId, 'data-continue-later': true },
  });
  const panel = h('div', { id: panelId, class: 'stack', hidden: true });
  const element = h('div', { class: 'continue-later', hidden: true }, toggle, panel);
  element.style.marginTop = '1rem'; // a property, not an attribute: allowed by a strict CSP
  const open = (/** @type {boolean} */ shown) => {
    panel.hidden = !shown;
    toggle.setAttribute('aria-expanded', String(shown));
    if (shown) panel.replaceChildren(linkForm(provider, () => open(false)));
    if (shown) /** @type {HTMLElement | null} */ (panel.querySelector('input'))?.focus();
  };
  toggle.addEventListener('click', () => open(panel.hidden));
  const onStep = (/** @type {Event} */ event) => {
    const { step } = /** @type {CustomEvent} */ (event).detail;
    element.hidden = step.componentName === 'Completion';
  };
  provider.addEventListener('step', onStep);
  return { element, dispose: () => provider.removeEventListener('step', onStep) };
}

/** @param {import('./provider.js').WorkflowProvider} provider @param {() => void} close */
function linkForm(provider, close) {
  const status = h('p', { role: 'status', class: 'hint' });
  const channel = radioField({
    name: 'resume_channel',
    label: t('later.channel'),
    required: true,
    options: CHANNELS(),
    value: 'email',
    onchange: () => relabel(),
  });
  const slot = h('div');
  /** @type {import('./ui/fields.js').Control} */
  let address = addressField('email');
  slot.append(address.element);
  const relabel = () => {
    const chosen = channel.read() === 'sms' ? 'sms' : 'email';
    if (address.element.dataset.channel === chosen) return;
    address = addressField(chosen);
    slot.replaceChildren(address.element);
  };
  const send = button(t('later.send'), { type: 'submit', attrs: { 'data-send-link': true } });
  const form = h(
    'form',
    { class: 'stack', novalidate: true, 'aria-label': t('later.form.label') },
    h('p', { class: 'hint' }, t('later.explain')),
    channel.element,
    slot,
    h('div', { class: 'row' }, send, button(t('action.cancel'), { variant: 'secondary', onClick: close })),
    status,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (send.getAttribute('aria-disabled') === 'true') return;
    address.setError('');
    setBusy(send, true, true);
    try {
      const chosen = channel.read() === 'sms' ? 'sms' : 'email';
      const answer = await provider.sendResumeLink(chosen, String(address.read() ?? ''));
      status.textContent = said(answer, chosen, (message) => address.setError(message));
      if (answer.__typename === 'ResumeLinkSent') address.inputs[0].setAttribute('readonly', '');
    } catch (error) {
      const limited = /RETRY AFTER|TOO MANY/i.test(/** @type {Error} */ (error).message);
      status.textContent = limited
        ? t('later.limited')
        : t('later.unreachable');
    } finally {
      setBusy(send, false);
    }
  });
  return form;
}

/** @param {'email' | 'sms'} channel */
function addressField(channel) {
  const spec = ADDRESS[channel];
  const label = t(`later.address.${channel}`);
  const field = textField({ name: 'resume_address', required: true, label, ...spec });
  field.element.dataset.channel = channel;
  return field;
}

/**
 * What to tell the visitor about sendResumeLink's answer (field errors go to the field).
 * @param {any} answer @param {string} channel @param {(message: string) => void} fieldError
 */
function said(answer, channel, fieldError) {
  switch (answer.__typename) {
    case 'ResumeLinkSent':
      return channel === 'sms'
        ? t('later.sent.sms')
        : t('later.sent.email');
    case 'ResumeLinkInvalid': {
      const errors = /** @type {{field: string, message: string}[]} */ (answer.errors);
      const onAddress = errors.find((e) => e.field === 'address');
      if (onAddress) fieldError(onAddress.message);
      return errors.filter((e) => e !== onAddress).map((e) => e.message).join(' ');
    }
    case 'ResumeLinkNotSent':
      return answer.reason;
    default:
      return t('later.not_found');
  }
}
