/**
 * The step renderer: `componentName` → component. A component the element does not know renders
 * as a generic form from the step's `fields`, so a step added on the backend works before any
 * frontend release.
 */
import { intentSelection } from './steps/intent-selection.js';
import { choice } from './steps/choice.js';
import { vehicleSearch } from './steps/vehicle-search.js';
import { vehicleResults } from './steps/vehicle-results.js';
import { carInQuestions } from './steps/carin-questions.js';
import { vehicleSelection } from './steps/vehicle-selection.js';
import { contactConfirmation } from './steps/contact-confirmation.js';
import { privateBuyerDetails } from './steps/private-buyer-details.js';
import { dealerInformation } from './steps/dealer-information.js';
import { dealerNetwork } from './steps/dealer-network.js';
import { creditCheck } from './steps/credit-check.js';
import { creditConsent } from './steps/credit-consent.js';
import { pending } from './steps/pending.js';
import { completion } from './steps/completion.js';
import { genericForm } from './steps/generic-form.js';
import { financingInvite } from './steps/financing-invite.js';
import { financingIntro } from './steps/financing-intro.js';
import { financingResult } from './steps/financing-result.js';
import { financingComplete } from './steps/financing-complete.js';

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

/** @type {Record<string, Component>} */
export const COMPONENTS = {
  IntentSelection: intentSelection,
  Choice: choice,
  VehicleSearch: vehicleSearch,
  VehicleResults: vehicleResults,
  CarInQuestions: carInQuestions,
  VehicleSelection: vehicleSelection,
  ContactConfirmation: contactConfirmation,
  PrivateBuyerDetails: privateBuyerDetails,
  DealerInformation: dealerInformation,
  DealerNetwork: dealerNetwork,
  CreditCheck: creditCheck,
  CreditConsent: creditConsent,
  Pending: pending,
  Completion: completion,
  FinancingInvite: financingInvite,
  FinancingIntro: financingIntro,
  FinancingResult: financingResult,
};

/** A completion without a lead (the buyer's own financing) has no reference nor timeline. */
const FINANCING_COMPLETE = (/** @type {any} */ step) =>
  step.componentName === 'Completion' && !step.leadId && step.sharedWithSeller != null;

/** @param {any} step @param {StepContext} ctx @returns {StepView} */
export function renderStep(step, ctx) {
  const component = FINANCING_COMPLETE(step)
    ? financingComplete
    : Object.hasOwn(COMPONENTS, step.componentName)
    ? COMPONENTS[step.componentName]
    : genericForm;
  const view = component(step, ctx);
  return view instanceof Node ? { element: view } : view;
}
