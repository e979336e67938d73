/**
 * Answers typed on a step and not yet submitted survive a reload and a closed tab: kept as the
 * session's draft of that step (session-store.js, this browser only, expiring with the saved
 * session), written on every edit, put back into the form when the step is shown again, and
 * dropped once the step is submitted. A secret field (the SSN, any password input) is never
 * written down.
 */
import { isSecret } from './session-store.js';

export class DraftKeeper {
  /** @type {string | null} */ #shown = null;

  /**
   * @param {ShadowRoot} root  where the step's form is rendered
   * @param {import('./provider.js').WorkflowProvider} provider
   */
  constructor(root, provider) {
    this.root = root;
    this.provider = provider;
    this.onEdit = (/** @type {Event} */ event) => this.#onEdit(event);
    this.onStep = (/** @type {Event} */ event) =>
      this.#onStep(/** @type {CustomEvent} */ (event).detail);
    root.addEventListener('input', this.onEdit);
    root.addEventListener('change', this.onEdit);
    provider.addEventListener('step', this.onStep);
  }

  dispose() {
    this.root.removeEventListener('input', this.onEdit);
    this.root.removeEventListener('change', this.onEdit);
    this.provider.removeEventListener('step', this.onStep);
  }

  /** @param {{step: any, cause: string}} detail */
  #onStep({ step, cause }) {
    const left = this.#shown;
    const sessionId = this.provider.sessionId;
    this.#shown = step.stepId;
    if (!sessionId) return;
    if (left && left !== step.stepId && ['submit', 'push', 'stale'].includes(cause))
      this.provider.drafts.clear(sessionId, left);
    const draft = this.provider.drafts.load(sessionId, step.stepId);
    if (draft) this.#restore(step, draft);
  }

  /** @param {Event} event */
  #onEdit(event) {
    const step = this.provider.step;
    const sessionId = this.provider.sessionId;
    const inForm = /** @type {HTMLElement} */ (event.target).closest?.('form [data-field]');
    if (!step || !sessionId || !inForm || step.stepId !== this.#shown) return;
    this.provider.drafts.save(sessionId, step.stepId, this.#read(step));
  }

  /** The answers as typed (empty ones left out, secret ones never read). @param {any} step */
  #read(step) {
    /** @type {Record<string, any>} */
    const values = {};
    for (const [name, inputs] of this.#fields(step)) {
      const value = readInputs(inputs);
      if (value !== undefined) values[name] = value;
    }
    return values;
  }

  /** @param {any} step @param {Record<string, any>} draft */
  #restore(step, draft) {
    for (const [name, inputs] of this.#fields(step)) {
      if (Object.hasOwn(draft, name)) writeInputs(inputs, draft[name]);
    }
  }

  /** The step's fields in its form, by name, without the secret ones. @param {any} step */
  #fields(step) {
    const specs = new Map((step.fields ?? []).map((/** @type {any} */ f) => [f.name, f]));
    /** @type {[string, HTMLInputElement[]][]} */
    const found = [];
    for (const wrapper of this.root.querySelectorAll('section form [data-field]')) {
      const name = /** @type {HTMLElement} */ (wrapper).dataset.field ?? '';
      const spec = specs.get(name) ?? { name, type: '' };
      const inputs = /** @type {HTMLInputElement[]} */ ([
        ...wrapper.querySelectorAll('input, select, textarea'),
      ]);
      const secret = isSecret(spec) || inputs.some((input) => input.type === 'password');
      if (!secret && inputs.length) found.push([name, inputs]);
    }
    return found;
  }
}

/** @param {HTMLInputElement[]} inputs */
function readInputs(inputs) {
  const [first] = inputs;
  if (first.type === 'radio') return inputs.find((input) => input.checked)?.value;
  if (first.type === 'checkbox') {
    if (inputs.length === 1) return first.checked || undefined;
    const checked = inputs.filter((input) => input.checked).map((input) => input.value);
    return checked.length ? checked : undefined;
  }
  return first.value.trim() === '' ? undefined : first.value;
}

/** Puts `value` back as typed, telling the form (hints, dependent options) as typing would. */
function writeInputs(/** @type {HTMLInputElement[]} */ inputs, /** @type {any} */ value) {
  const [first] = inputs;
  if (first.type === 'radio') {
    for (const input of inputs) input.checked = input.value === String(value);
  } else if (first.type === 'checkbox') {
    for (const input of inputs)
      input.checked = inputs.length === 1 ? Boolean(value) : [value].flat().includes(input.value);
  } else {
    first.value = String(value);
  }
  for (const type of ['input', 'change'])
    first.dispatchEvent(new Event(type, { bubbles: true, composed: true }));
}
