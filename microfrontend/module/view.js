/**
 * The element's shell inside its shadow root: the top bar (back, progress), a live region for
 * announcements, the banner, and the step, rendered from the provider's events. Focus moves to
 * each new step's heading (but never on first load, and on a push only when the visitor is in
 * the widget), so keyboard and screen-reader users land on what changed.
 *
 * Announcements (ui/announcer.js: a burst is said once) tell what changed from outside: a step
 * the server pushed is said with its content ("Updated: Confirm your sale. Credit check:
 * Financing approved. Up to $34,000 at 6.9% APR."): its heading, the text of what the step marks
 * as its outcome ([data-outcome], or a credit card's [data-credit]) and its notices. The
 * visitor's own step is never said as an update: a push that arrives while the visitor's own
 * transition or back is under way waits for that answer, and is said only if it is newer than
 * the step the answer brings (seq), which the provider's own dedupe then drops.
 */
import { BACK, TRANSITION } from './operations.js';
import { announcer } from './ui/announcer.js';
import { h, uid } from './ui/dom.js';
import { button, setBusy } from './ui/button.js';
import { progressBar } from './ui/progress.js';
import { errorBanner, notice } from './ui/error-banner.js';
import { renderStep } from './renderer.js';
import { plural, t } from './i18n.js';

export class WorkflowView {
  /** @type {{element: Node, showErrors?: (errors: any[]) => any[]} | null} */ #current = null;
  /** @type {AbortController | null} */ #stepScope = null;
  #rendered = 0;
  /** @type {Element | null} */ #pressed = null;
  #asking = 0; // the visitor's transitions and backs under way
  /** @type {{seq: number, text: string} | null} */ #held = null; // a push that came meanwhile

  /** @param {ShadowRoot} root @param {import('./provider.js').WorkflowProvider} provider */
  constructor(root, provider) {
    this.root = root;
    this.provider = provider;
    this.topbar = h('div', { class: 'topbar' });
    this.live = h('div', { class: 'sr-only', role: 'status', 'aria-live': 'polite' });
    this.banner = h('div');
    this.section = h('section', { class: 'step', 'aria-busy': 'true' }, ...loading());
    this.container = h(
      'div',
      { class: 'trex', part: 'container' },
      this.topbar,
      this.live,
      this.banner,
      this.section,
    );
    root.append(this.container);
    this.say = announcer(this.live);
    this.#watchAnswers();
    // The control that started a request gets the spinner.
    this.container.addEventListener(
      'click',
      (event) => {
        this.#pressed = /** @type {HTMLElement} */ (event.target).closest(
          '[data-submit], [data-back]',
        );
      },
      true,
    );
    this.container.addEventListener(
      'submit',
      (event) => {
        this.#pressed = /** @type {SubmitEvent} */ (event).submitter;
      },
      true,
    );
    const listen = (/** @type {string} */ type, /** @type {(detail: any) => void} */ handler) =>
      provider.addEventListener(type, (event) =>
        handler(/** @type {CustomEvent} */ (event).detail),
      );
    listen('step', (detail) => this.#showStep(detail));
    listen('errors', ({ errors }) => this.#showErrors(errors));
    listen('busy', ({ busy }) => this.#setBusy(busy));
    listen('failure', (failure) => this.#showFailure(failure));
  }

  /**
   * The language of everything the element shows (screen readers switch voice); the loading
   * words again once the catalogue is here. @param {string} code
   */
  setLanguage(code) {
    this.container.setAttribute('lang', code);
    if (!this.provider.step && this.section.getAttribute('aria-busy') === 'true')
      this.section.replaceChildren(...loading());
  }

  /** Says `message` to screen readers (politely; a burst once). @param {string} message */
  announce(message) {
    this.say(message);
  }

  /**
   * Learns the step each of the visitor's own transitions and backs answers with (its seq) as
   * the provider's client receives it, before the provider shows or drops it.
   */
  #watchAnswers() {
    const api = this.provider.api;
    const execute = api.execute.bind(api);
    api.execute = async (/** @type {string} */ query, /** @type {any} */ variables) => {
      if (query !== TRANSITION && query !== BACK) return execute(query, variables);
      this.#asking += 1;
      /** @type {any} */ let answer = null;
      try {
        const data = await execute(query, variables);
        const result = data.transition ?? data.back;
        answer = result?.session ? result : result?.step;
        return data;
      } finally {
        this.#asking -= 1;
        if (this.#asking === 0) this.#settle(answer);
      }
    };
  }

  /**
   * A push held while the visitor's request was under way: said only if newer than the answer.
   * @param {any} answer
   */
  #settle(answer) {
    const held = this.#held;
    this.#held = null;
    if (held && answer?.session && held.seq > answer.session.seq) this.announce(held.text);
  }

  /** @param {{step: any, cause: string, notice?: string}} detail */
  #showStep({ step, cause, notice: why }) {
    const wasInside = this.root.host.matches(':focus-within');
    this.#stepScope?.abort();
    this.#stepScope = new AbortController();
    const headingId = uid('step');
    const heading = h('h2', { class: 'step-heading', id: headingId, tabindex: '-1' }, step.title);
    this.#current = renderStep(step, {
      submit: (data) => this.provider.submit(data),
      back: (toStep) => this.provider.back(toStep),
      announce: (message) => this.announce(message),
      provider: this.provider,
      modalHost: this.container,
      headingId,
      signal: this.#stepScope.signal,
    });
    const notices = [why, step.message].filter((text, i, all) => text && all.indexOf(text) === i);
    this.section.replaceChildren(
      heading,
      ...notices.map((text) => notice(/** @type {string} */ (text))),
      this.#current.element,
    );
    this.section.setAttribute('aria-labelledby', headingId);
    this.section.dataset.stepId = step.stepId;
    this.section.dataset.component = step.componentName;
    this.#renderTopbar(step);
    this.banner.replaceChildren();
    this.#rendered += 1;
    const firstRender = this.#rendered === 1;
    if (!firstRender && (cause !== 'push' || wasInside)) heading.focus();
    if (cause === 'push') {
      const text = pushed(step.title, this.#current.element, notices);
      if (this.#asking) this.#held = { seq: step.session.seq, text };
      else this.announce(text);
    }
    const host = /** @type {HTMLElement} */ (this.root.host);
    host.dataset.step = step.stepId;
    host.dispatchEvent(
      new CustomEvent('trex-step', {
        bubbles: true,
        composed: true,
        detail: {
          stepId: step.stepId,
          componentName: step.componentName,
          title: step.title,
          cause,
        },
      }),
    );
    if (firstRender)
      host.dispatchEvent(new CustomEvent('trex-first-step', { bubbles: true, composed: true }));
  }

  /** @param {any} step */
  #renderTopbar(step) {
    const back = step.navigation.canGoBack
      ? button(t('nav.back'), {
          variant: 'link',
          onClick: () => this.provider.back(),
          attrs: { 'data-back': true, 'aria-label': t('nav.back.label') },
        })
      : null;
    this.topbar.replaceChildren(
      ...[back, progressBar(step.navigation.progress)].filter((n) => n !== null),
    );
  }

  /** @param {{field: string, code: string, message: string}[]} errors */
  #showErrors(errors) {
    const unplaced = this.#current?.showErrors ? this.#current.showErrors(errors) : errors;
    if (unplaced.length) {
      this.banner.replaceChildren(
        errorBanner(
          t('errors.check_answers'),
          undefined,
          unplaced.map((e) => e.message),
        ),
      );
    } else {
      this.banner.replaceChildren();
    }
    this.announce(plural('errors.answers_need_attention', errors.length));
  }

  /** @param {boolean} busy */
  #setBusy(busy) {
    this.section.setAttribute('aria-busy', String(busy));
    if (busy && !this.provider.step) this.section.replaceChildren(...loading());
    for (const element of this.root.querySelectorAll('[data-submit], [data-back]')) {
      setBusy(/** @type {HTMLElement} */ (element), busy, busy && element === this.#pressed);
    }
  }

  /** @param {{message: string, action?: {label: string, run: () => void}, reference?: string | null} | null} failure */
  #showFailure(failure) {
    if (!failure) {
      this.banner.replaceChildren();
      return;
    }
    const action = failure.action && { label: failure.action.label, onClick: failure.action.run };
    this.banner.replaceChildren(errorBanner(failure.message, action, [], failure.reference));
    if (!this.provider.step) this.section.replaceChildren();
  }
}

/**
 * What a pushed step says: its heading, its outcome's text, its notices.
 * @param {string} title @param {Node} element @param {any[]} notices
 */
function pushed(title, element, notices) {
  const outcomes = element instanceof Element ? element.querySelectorAll(OUTCOME) : [];
  return [t('announce.updated', { title }), ...[...outcomes].map(spoken), ...notices]
    .map((text) => String(text).trim())
    .filter(Boolean)
    .map((text) => (/[.!?…:]$/.test(text) ? text : `${text}.`))
    .join(' ');
}

const OUTCOME = '[data-outcome], [data-credit]';

/**
 * An outcome's text as sentences: "Credit check: Financing approved. Up to $34,000 …"
 * @param {Element} element
 */
function spoken(element) {
  const parts = [...element.children].map((child) => {
    const text = (child.textContent ?? '').replace(/\s+/g, ' ').trim();
    if (!text) return '';
    if (/^H\d$/.test(child.tagName)) return `${text}:`;
    return /[.!?…]$/.test(text) ? text : `${text}.`;
  });
  return parts.filter(Boolean).join(' ') || (element.textContent ?? '').trim();
}

/** Until the first step: its shape (the element's min-height keeps the space), and the words. */
const loading = () => [
  h(
    'div',
    { class: 'row' },
    h('span', { class: 'spinner', 'aria-hidden': 'true' }),
    h('p', null, t('status.loading')),
  ),
  h(
    'div',
    { class: 'choices skeleton', 'aria-hidden': 'true' },
    h('span', { class: 'block' }),
    h('span', { class: 'block' }),
  ),
];
