/**
 * The step renderer: `componentName` → component. A component the element does not know renders
 * as a generic form from the step's `fields`, so a step added on the backend works before any
 * frontend release.
 */
import { genericForm } from './steps/generic-form.js';

/**
 * What a component gets besides its step.
 * @typedef {object} StepContext
 * @property {(data: Record<string, any>) => Promise<void>} submit  transition with these answers
 * @property {(toStep?: string) => Promise<void>} back  to the previous step, or to `toStep`
 * @property {(message: string) => void} announce  to screen readers
 * @property {import('./provider.js').WorkflowProvider} provider  for lead events
 * @property {HTMLElement} modalHost  where dialogs go
 * @property {string} headingId  the step heading's id
 * @property {AbortSignal} signal  aborted when the step is replaced (drop listeners, timers)
 *
 * @typedef {{element: Node, showErrors?: (errors: import('./validation.js').FieldError[]) => import('./validation.js').FieldError[]}} StepView
 * @typedef {(step: any, ctx: StepContext) => StepView | Node} Component
 */

/**
 * Each component's module, imported the first time a step needs it (then cached): the element
 * loads only what its first step needs, and prefetches the likely next steps when idle.
 * @type {Record<string, () => Promise<Component>>}
 */
const LOADERS = {
  IntentSelection: () => load('intent-selection', 'intentSelection'),
  Choice: () => load('choice', 'choice'),
  VehicleSearch: () => load('vehicle-search', 'vehicleSearch'),
  VehicleResults: () => load('vehicle-results', 'vehicleResults'),
  CarInQuestions: () => load('carin-questions', 'carInQuestions'),
  VehicleSelection: () => load('vehicle-selection', 'vehicleSelection'),
  ContactConfirmation: () => load('contact-confirmation', 'contactConfirmation'),
  PrivateBuyerDetails: () => load('private-buyer-details', 'privateBuyerDetails'),
  DealerInformation: () => load('dealer-information', 'dealerInformation'),
  DealerNetwork: () => load('dealer-network', 'dealerNetwork'),
  CreditCheck: () => load('credit-check', 'creditCheck'),
  CreditConsent: () => load('credit-consent', 'creditConsent'),
  Pending: () => load('pending', 'pending'),
  Completion: () => load('completion', 'completion'),
  FinancingInvite: () => load('financing-invite', 'financingInvite'),
  FinancingIntro: () => load('financing-intro', 'financingIntro'),
  FinancingResult: () => load('financing-result', 'financingResult'),
  FinancingComplete: () => load('financing-complete', 'financingComplete'),
};

/** The steps that usually follow each component (the workflows' paths): prefetched when idle. */
const NEXT = /** @type {Record<string, string[]>} */ ({
  IntentSelection: ['Choice'],
  Choice: [
    'Choice',
    'VehicleSearch',
    'CarInQuestions',
    'PrivateBuyerDetails',
    'DealerInformation',
    'DealerNetwork',
    'FinancingInvite',
    'CreditCheck',
  ],
  VehicleSearch: ['VehicleResults'],
  CarInQuestions: ['VehicleResults'],
  VehicleResults: ['VehicleSelection'],
  VehicleSelection: ['ContactConfirmation', 'VehicleResults'],
  PrivateBuyerDetails: ['Choice'],
  FinancingInvite: ['ContactConfirmation'],
  DealerInformation: ['ContactConfirmation'],
  DealerNetwork: ['CreditConsent'],
  CreditConsent: ['ContactConfirmation'],
  CreditCheck: ['Pending'],
  Pending: ['ContactConfirmation', 'FinancingResult'],
  ContactConfirmation: ['Completion'],
  FinancingIntro: ['CreditCheck'],
  FinancingResult: ['FinancingComplete'],
});

/** @type {Map<string, Promise<Component>>} */
const modules = new Map();
/** @type {Map<string, Component>} */
const loaded = new Map();

/**
 * A step module's export. A failed fetch is tried once more under a new URL (a browser keeps a
 * failed module fetch as failed), then the error goes to the caller.
 * @param {string} file @param {string} name
 */
async function load(file, name) {
  const url = new URL(`./steps/${file}.js`, import.meta.url);
  try {
    return (await import(url.href))[name];
  } catch {
    url.searchParams.set('retry', String(Date.now()));
    return (await import(url.href))[name];
  }
}

/** A completion without a lead (the buyer's own financing) has no reference nor timeline. */
const FINANCING_COMPLETE = (/** @type {any} */ step) =>
  step.componentName === 'Completion' && !step.leadId && step.sharedWithSeller != null;

/** The component key of a step: its componentName, or null when the element does not know it. @param {any} step */
function keyOf(step) {
  if (FINANCING_COMPLETE(step)) return 'FinancingComplete';
  return Object.hasOwn(LOADERS, step.componentName) ? step.componentName : null;
}

/**
 * Loads the component `key` (once; a failure is forgotten so that it can be tried again).
 * @param {string} key @returns {Promise<Component>}
 */
function component(key) {
  let found = modules.get(key);
  if (!found) {
    found = LOADERS[key]().then((made) => {
      loaded.set(key, made);
      return made;
    });
    found.catch(() => modules.delete(key));
    modules.set(key, found);
  }
  return found;
}

/**
 * What the step needs before it can be rendered: its component's module (nothing for a
 * component the element does not know: the generic form is bundled).
 * @param {any} step @returns {Promise<unknown>}
 */
export function prepareStep(step) {
  const key = keyOf(step);
  return key && !loaded.has(key) ? component(key) : Promise.resolve();
}

/** Loads the components of `names` without waiting (a first step guessed at). @param {string[]} names */
export function preload(names) {
  for (const name of names) if (Object.hasOwn(LOADERS, name)) component(name).catch(() => {});
}

/**
 * After `step` is on screen, when the browser is idle: the modules of the steps that usually
 * follow it and of the steps after those (two steps ahead: a quick visitor never waits on one).
 * @param {any} step
 */
export function prefetchAfter(step) {
  const next = NEXT[keyOf(step) ?? ''] ?? [];
  const ahead = new Set([...next, ...next.flatMap((name) => NEXT[name] ?? [])]);
  const missing = [...ahead].filter((name) => !modules.has(name));
  if (!missing.length) return;
  const idle = window.requestIdleCallback ?? ((/** @type {() => void} */ run) => setTimeout(run, 200));
  idle(() => preload(missing), { timeout: 2000 });
}

/** @param {any} step @param {StepContext} ctx @returns {StepView} */
export function renderStep(step, ctx) {
  const key = keyOf(step);
  const made = key ? loaded.get(key) : genericForm;
  if (!made) throw new Error(`component ${key} rendered before its module loaded`);
  const view = made(step, ctx);
  return view instanceof Node ? { element: view } : view;
}
