/**
 * The browser's Back and Forward move between the widget's steps, never off the host page in
 * the middle of a flow.
 *
 * Each step the widget moves to gets a history entry (history.pushState): the step id in the
 * entry's state (`trex: {key, index, step}`, beside whatever state the host keeps) and in the
 * address as `?trex_step=<step id>` (a query parameter, so a host that routes by path or hash
 * is not disturbed; the server, not the address, decides where a session is). The first step
 * shown in a page that can go back gets an entry below it (step null), so Back from it stays
 * on the page too.
 *
 * Back (popstate to an earlier entry) asks the server to go `back`; where the server refuses
 * (back across a submitted lead), the visitor stays on the current step with the server's
 * reason and the entry is pushed again. Forward (popstate to a later entry, after Back)
 * submits the shown step's answers again, as the server prefilled them: it reaches the next
 * step only where the server still allows it (the answers are complete and valid; a secret
 * field such as the SSN is never prefilled, so such a step stays and says why); otherwise the
 * widget stays and the entry goes back. The widget's own Back button goes back an entry too.
 */
import { t } from './i18n.js';

const PARAM = 'trex_step';

export class StepHistory {
  #index = 0;
  #expected = 0; // popstate events this object caused (history.back())
  #forwarding = false;
  /** @type {(string | null)[]} */ #steps = [];

  /** @param {import('./provider.js').WorkflowProvider} provider @param {string} key */
  constructor(provider, key) {
    this.provider = provider;
    this.key = key;
    this.onStep = (/** @type {Event} */ event) =>
      this.#onStep(/** @type {CustomEvent} */ (event).detail);
    this.onErrors = () => this.#onErrors();
    this.onPop = (/** @type {PopStateEvent} */ event) => this.#onPop(event);
    provider.addEventListener('step', this.onStep);
    provider.addEventListener('errors', this.onErrors);
    window.addEventListener('popstate', this.onPop);
  }

  dispose() {
    this.provider.removeEventListener('step', this.onStep);
    this.provider.removeEventListener('errors', this.onErrors);
    window.removeEventListener('popstate', this.onPop);
  }

  /** The widget's entry the browser is on, or null (a host entry). */
  #here() {
    const mine = window.history.state?.trex;
    return mine?.key === this.key ? mine : null;
  }

  /** @param {{step: any, cause: string}} detail */
  #onStep({ step, cause }) {
    this.#forwarding = false;
    const here = this.#here();
    if (!here) return this.#seed(step);
    this.#index = here.index;
    if (here.step === step.stepId) return;
    if (cause === 'back' && this.#steps[here.index - 1] === step.stepId) {
      this.#expected += 1; // the widget's Back button: the entry before is that step
      return window.history.back();
    }
    if (here.step === null && !step.navigation.canGoBack) return this.#put('replace', 0, step);
    this.#put('push', here.index + 1, step);
  }

  /** The first step shown in this page: its entry, and one below it when it can go back. */
  #seed(/** @type {any} */ step) {
    if (!step.navigation.canGoBack) return this.#put('replace', 0, step);
    this.#put('replace', 0, null);
    this.#put('push', 1, step);
  }

  /** @param {'push' | 'replace'} how @param {number} index @param {any} step */
  #put(how, index, step) {
    const stepId = step?.stepId ?? null;
    const url = new URL(window.location.href);
    if (stepId) url.searchParams.set(PARAM, stepId);
    else url.searchParams.delete(PARAM);
    const kept = window.history.state;
    const hosts = kept && typeof kept === 'object' && !Array.isArray(kept) ? kept : {};
    const state = { ...hosts, trex: { key: this.key, index, step: stepId } };
    this.#index = index;
    this.#steps[index] = stepId;
    if (how === 'push') this.#steps.length = index + 1;
    if (how === 'push') window.history.pushState(state, '', url);
    else window.history.replaceState(state, '', url);
  }

  /** @param {PopStateEvent & {singleSpa?: boolean}} event */
  #onPop(event) {
    if (event.singleSpa) return; // single-spa's echo of a pushState, not a move
    const target = event.state?.trex;
    if (!target || target.key !== this.key) return; // the host's own entries
    if (this.#expected > 0) {
      this.#expected -= 1;
      this.#index = target.index;
      return;
    }
    const delta = target.index - this.#index;
    this.#index = target.index;
    if (delta < 0) this.#goBack(-delta);
    else if (delta > 0) this.#goForward();
  }

  /** Back `times` steps (a long press on Back jumps several), stopping where the server does. */
  async #goBack(/** @type {number} */ times) {
    for (let i = 0; i < times; i += 1) {
      const before = this.provider.step?.stepId;
      await this.provider.back();
      if (!this.provider.step || this.provider.step.stepId === before) return;
    }
  }

  #goForward() {
    const step = this.provider.step;
    const values = step?.values ?? {};
    if (!step || !Object.keys(values).length || this.provider.busy) return this.#stay(t('history.no_forward'));
    this.#forwarding = true;
    this.provider.submit(values);
  }

  /** A Forward that could not move: the entry goes back to the step shown. */
  #onErrors() {
    if (!this.#forwarding) return;
    this.#forwarding = false;
    this.#stay(null);
  }

  /** @param {string | null} message */
  #stay(message) {
    this.#expected += 1;
    window.history.back();
    if (message)
      this.provider.dispatchEvent(
        new CustomEvent('failure', { detail: { message, action: undefined } }),
      );
  }
}
