/**
 * GraphQL over HTTP. Request interceptors add headers (the session token, the site's publishable
 * key). Network failures — no answer, a timeout, a 502/503/504 from a proxy — are retried with
 * exponential backoff; anything the server actually answered (validation errors included) is not.
 * Retrying a transition is harmless because its idempotencyKey stays the same.
 */

import { BACK } from './operations.js';

export class ApiError extends Error {
  /**
   * @param {'network' | 'http' | 'graphql'} kind @param {string} message
   * @param {string | null} [requestId] the server's X-Request-Id: the banner's reference
   */
  constructor(kind, message, requestId = null) {
    super(message);
    this.name = 'ApiError';
    this.kind = kind;
    this.requestId = requestId;
  }
}

const GATEWAY_ERRORS = new Set([502, 503, 504]);

/** @param {number} ms @param {AbortSignal} [signal] */
const sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });

export class ApiClient {
  /**
   * @param {{endpoint: string, interceptors?: ((headers: Headers) => void)[], retries?: number,
   *          backoffMs?: number, timeoutMs?: number, signal?: AbortSignal}} options
   */
  constructor({
    endpoint,
    interceptors = [],
    retries = 4,
    backoffMs = 250,
    timeoutMs = 15000,
    signal,
  }) {
    this.endpoint = endpoint;
    this.interceptors = interceptors;
    this.retries = retries;
    this.backoffMs = backoffMs;
    this.timeoutMs = timeoutMs;
    this.signal = signal;
  }

  /**
   * Back from `currentStep` to the previous step, or to `toStep` earlier on the session's path
   * (a summary's "Change" links), its answers in `values`. A refusal is an answer too:
   * TransitionRejected (`not_on_path`, `cannot_go_back`) or StaleStep, with the step to show.
   * @param {{sessionId: string, currentStep: string, toStep?: string | null}} input
   * @returns {Promise<Record<string, any>>} the `back` answer
   */
  async back({ sessionId, currentStep, toStep = null }) {
    const input = toStep == null ? { sessionId, currentStep } : { sessionId, currentStep, toStep };
    const { back } = await this.execute(BACK, { input });
    return back;
  }

  /**
   * @param {string} query @param {Record<string, any>} variables
   * @returns {Promise<Record<string, any>>} the answer's `data`
   */
  async execute(query, variables) {
    const body = JSON.stringify({ query, variables });
    for (let attempt = 0; ; attempt += 1) {
      const response = await this.#send(body).catch((error) => {
        if (this.signal?.aborted) throw error;
        return null;
      });
      const retryable = response === null || GATEWAY_ERRORS.has(response.status);
      if (retryable && attempt < this.retries) {
        await sleep(this.backoffMs * 2 ** attempt + Math.random() * 100, this.signal);
        continue;
      }
      if (response === null) throw new ApiError('network', 'The server could not be reached.');
      return this.#read(response);
    }
  }

  /** @param {string} body */
  #send(body) {
    const headers = new Headers({ 'Content-Type': 'application/json', Accept: 'application/json' });
    for (const intercept of this.interceptors) intercept(headers);
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal =
      this.signal && 'any' in AbortSignal ? AbortSignal.any([this.signal, timeout]) : timeout;
    return fetch(this.endpoint, { method: 'POST', headers, body, signal, credentials: 'omit' });
  }

  /** @param {Response} response */
  async #read(response) {
    const id = response.headers.get('X-Request-Id');
    if (GATEWAY_ERRORS.has(response.status))
      throw new ApiError('network', `HTTP ${response.status}`, id);
    const payload = await response.json().catch(() => null);
    if (payload?.errors?.length) throw new ApiError('graphql', payload.errors[0].message, id);
    if (!response.ok || !payload?.data) throw new ApiError('http', `HTTP ${response.status}`, id);
    return payload.data;
  }
}
