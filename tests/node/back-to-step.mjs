// The microfrontend's ApiClient.back (microfrontend/module/api.js) against a running server:
// node back-to-step.mjs '<plan JSON>' runs the plan's calls in order and prints their answers
// as one line of JSON (tests/e2e/test_microfrontend_back.py).
import { ApiClient } from '../../microfrontend/module/api.js';

const plan = JSON.parse(process.argv[2]);
const api = new ApiClient({
  endpoint: plan.http,
  interceptors: [(headers) => headers.set('Authorization', `Bearer ${plan.token}`)],
  retries: 0,
  timeoutMs: 5000,
});
const answers = [];
for (const call of plan.calls) {
  const back = await api.back(call);
  answers.push({
    typename: back.__typename,
    stepId: back.stepId ?? back.step?.stepId,
    code: back.code ?? null,
    values: back.values ?? null,
  });
}
process.stdout.write(`${JSON.stringify(answers)}\n`);
