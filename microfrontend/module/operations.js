/**
 * The GraphQL documents the element sends: the operations of graphql-examples/, selecting every
 * member of the WorkflowResult union. tests/browser/test_operations.py validates them against
 * the committed schema/schema.graphql.
 */

const STEP_FIELDS = `
fragment StepFields on Step {
  __typename id stepId componentName title message
  session { id status workflow version seq }
  started { id token }
  fields { name type required label group options { value label } constraints }
  validationRules
  navigation { canGoBack nextStepId progress { stepsDone minRemaining maxRemaining remainingText } }
  uiConfig values
  ... on VehicleSearchStep { makes modelsByMake }
  ... on VehicleResultsStep {
    total page pageSize criteria sort sorts
    chips { field label value text removable }
    relaxations { field matches label drops answers }
    vehicles {
      id make model year price mileage fuelType bodyType seats features
      dealer { id name city state zip }
      distanceMiles matchScore matchReasons
    }
  }
  ... on VehicleSelectionStep {
    vehicle { id make model year price mileage fuelType bodyType seats transmission drivetrain
              features color dealer { id name city state zip } distanceMiles }
  }
  ... on ContactConfirmationStep { summary credit { status amount apr reason } sections { stepId title canChange } }
  ... on DealerInformationStep { dealers { id name city state zip } }
  ... on CreditConsentStep { consentText consentVersion }
  ... on PendingStep { awaiting since usualSeconds }
  ... on CompletionStep {
    leadId leadReference leadStatus summary nextSteps linkedLeadReferences sharedWithSeller
  }
  ... on FinancingInviteStep { validDays }
  ... on FinancingIntroStep { vehicleSummary agreedPrice siteName softCheck checkSeconds privacyUrl }
  ... on FinancingResultStep {
    outcome headline amount apr termOptions { months monthlyPayment } disclaimer
    notice { bureauName bureauContact reason rights alternatives } nextSteps byWhen canRetry
  }
}`;

const RESULT_FIELDS = `
fragment ResultFields on WorkflowResult {
  __typename
  ...StepFields
  ... on ValidationFailed { errors { field code message } step { ...StepFields } }
  ... on StaleStep { expectedStep step { ...StepFields } }
  ... on SessionNotFound { sessionId }
  ... on TransitionRejected { reason code step { ...StepFields } }
}${STEP_FIELDS}`;

export const START_WORKFLOW = `
mutation StartWorkflow($input: StartWorkflowInput!) {
  startWorkflow(input: $input) { ...ResultFields }
}${RESULT_FIELDS}`;

export const TRANSITION = `
mutation Transition($input: TransitionInput!) {
  transition(input: $input) { ...ResultFields }
}${RESULT_FIELDS}`;

export const BACK = `
mutation Back($input: BackInput!) {
  back(input: $input) { ...ResultFields }
}${RESULT_FIELDS}`;

export const SESSION = `
query Session($sessionId: ID!) {
  session(sessionId: $sessionId) { ...ResultFields }
}${RESULT_FIELDS}`;

export const SESSION_UPDATES = `
subscription SessionUpdates($sessionId: ID!, $afterSeq: Int) {
  sessionUpdates(sessionId: $sessionId, afterSeq: $afterSeq) {
    seq type at
    step { ...StepFields }
    lead { leadId leadReference status seq at detail message }
  }
}${STEP_FIELDS}`;

export const SEND_RESUME_LINK = `
mutation SendResumeLink($input: SendResumeLinkInput!) {
  sendResumeLink(input: $input) {
    __typename
    ... on ResumeLinkSent { channel expiresAt }
    ... on ResumeLinkInvalid { errors { field code message } }
    ... on ResumeLinkNotSent { code reason }
    ... on SessionNotFound { sessionId }
  }
}`;

export const RESUME_SESSION = `
mutation ResumeSession($resumeToken: String!) {
  resumeSession(resumeToken: $resumeToken) {
    __typename
    ... on SessionResumed { step { ...StepFields } }
    ... on ResumeLinkRefused { code reason }
  }
}${STEP_FIELDS}`;
