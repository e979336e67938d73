/**
 * The element's shell inside its shadow root: the top bar (back, progress), a live region for
 * announcements, the banner, and the step, rendered from the provider's events. Focus moves to
 * each new step's heading (but never on first load, and on a push only when the visitor is in
 * the widget), so keyboard and screen-reader users land on what changed.
 */
import { h, uid } from './ui/dom.js';
import { button, setBusy } from './ui/button.js';
import { progressBar } from './ui/progress.js';
import { errorBanner, notice } from './ui/error-banner.js';
import { renderStep } from './renderer.js';

export class WorkflowView {
  /** @type {{element: Node, showErrors?: (errors: any[]) => any[]} | null} */ #current = null;
  /** @type {AbortController | null} */ #stepScope = null;
  #rendered = 0;
  /** @type {Element | null} */ #pressed = null;

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

  /** Says `message` to screen readers (polite). @param {string} message */
  announce(message) {
    this.live.textContent = '';
    // A separate task, so the same message twice is announced twice.
    setTimeout(() => {
      this.live.textContent = message;
    }, 50);
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
      back: () => this.provider.back(),
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
    if (cause === 'push') this.announce(`Updated: ${step.title}`);
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
      ? button('‹ Back', {
          variant: 'link',
          onClick: () => this.provider.back(),
          attrs: { 'data-back': true, 'aria-label': 'Back to the previous step' },
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
          'Please check your answers.',
          undefined,
          unplaced.map((e) => e.message),
        ),
      );
    } else {
      this.banner.replaceChildren();
    }
    this.announce(
      `${errors.length === 1 ? 'One answer needs' : `${errors.length} answers need`} attention.`,
    );
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

/** Until the first step: its shape (the element's min-height keeps the space), and the words. */
const loading = () => [
  h(
    'div',
    { class: 'row' },
    h('span', { class: 'spinner', 'aria-hidden': 'true' }),
    h('p', null, 'Loading…'),
  ),
  h(
    'div',
    { class: 'choices skeleton', 'aria-hidden': 'true' },
    h('span', { class: 'block' }),
    h('span', { class: 'block' }),
  ),
];
