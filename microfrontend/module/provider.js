/**
 * The workflow provider: the one place that holds the visitor's session. It starts or resumes it,
 * speaks startWorkflow / transition / back / session, follows sessionUpdates, and tells the view
 * what to show through events:
 *   step     {step, cause, notice}   cause: start | resume | submit | back | push | stale | rejected
 *   errors   {errors}                a ValidationFailed answer, for the fields of the shown step
 *   busy     {busy}                  a request is under way
 *   failure  {message, action, reference} | null   a banner (null clears it); reference: the
 *            request id the server logged the failure under, for a support call
 *   lead     {event}                 a lead status change (scored, dealer assigned, …)
 * It decides nothing about the workflow: every step it shows is one the server sent.
 * The session is kept in localStorage (session-store.js): a reload, a closed tab and a second
 * tab open the same session at its current step; when one tab moves, the others follow (each
 * tab's sessionUpdates; a StaleStep answer where a socket is down); a session another tab
 * started or resumed with a new token is adopted (the `storage` event). A resume link's token
 * (`resumeToken` of start()) opens the session it names with a new token.
 */
import { ApiClient } from './api.js';
import {
  BACK,
  RESUME_SESSION,
  SEND_RESUME_LINK,
  SESSION,
  SESSION_UPDATES,
  START_WORKFLOW,
  TRANSITION,
} from './operations.js';
import { draftStore, sessionStore } from './session-store.js';
import { subscribe, websocketUrl } from './ws.js';
import { t } from './i18n.js';

const POLL_MS = 5000;
const FAILURES = { network: 'provider.error.network', http: 'provider.error.http', graphql: 'provider.error.graphql' };

/** A fresh idempotency key (crypto.randomUUID needs a secure context; this does not). */
export function newKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export class WorkflowProvider extends EventTarget {
  /** @type {any} */ #step = null;
  /** @type {string} */ #shownBy = '';
  /** @type {{sessionId: string, token: string} | null} */ #session = null;
  #busy = false;
  #lastSeq = 0;
  /** @type {Map<string, any>} */ #leadEvents = new Map();
  /** @type {{close: () => void, readonly open: boolean} | null} */ #updates = null;
  #pollTimer = 0;
  #abort = new AbortController();
  /** @type {(() => void) | null} */ #unwatch = null;
  /** @type {Promise<void>} */ #showing = Promise.resolve(); // steps are shown in turn

  /**
   * @param {{endpoint: string, publishableKey?: string | null, workflowType?: string | null,
   *          context?: Record<string, any>, prepare?: (step: any) => Promise<unknown>}} options
   *   prepare: what a step needs before it is shown (its component's module, the catalogue)
   */
  constructor(options) {
    super();
    this.options = options;
    const site = `${options.endpoint}|${options.publishableKey ?? ''}|${options.workflowType ?? ''}`;
    this.site = site;
    this.store = sessionStore(site);
    this.drafts = draftStore(site);
    this.api = new ApiClient({
      endpoint: options.endpoint,
      signal: this.#abort.signal,
      interceptors: [
        (headers) => this.#session && headers.set('Authorization', `Bearer ${this.#session.token}`),
        (headers) =>
          options.publishableKey && headers.set('X-Publishable-Key', options.publishableKey),
      ],
    });
  }

  get step() {
    return this.#step;
  }
  get busy() {
    return this.#busy;
  }
  /** The session's id (null before it started). */
  get sessionId() {
    return this.#session?.sessionId ?? null;
  }
  /** Lead status events received so far, oldest first. */
  get leadEvents() {
    return [...this.#leadEvents.values()].sort((a, b) => a.at.localeCompare(b.at) || a.seq - b.seq);
  }

  /**
   * Opens the session of a resume link (`resumeToken`), else resumes the saved one, else
   * starts one. @param {{resumeToken?: string | null}} [options]
   */
  async start({ resumeToken = null } = {}) {
    this.#unwatch ??= this.store.watch((saved) => this.#onStored(saved));
    let notice = '';
    await this.#request(
      async () => {
        if (resumeToken) {
          const { resumeSession } = await this.api.execute(RESUME_SESSION, { resumeToken });
          resumeToken = null; // single use: a retry resumes or starts as usual
          if (resumeSession.__typename === 'SessionResumed') {
            const { step } = resumeSession;
            this.#adopt({ sessionId: step.started.id, token: step.started.token });
            return this.#show(step, 'resume', t('provider.notice.resumed'));
          }
          notice = resumeSession.reason;
        }
        const saved = this.store.load();
        if (saved) {
          this.#session = { sessionId: saved.sessionId, token: saved.token };
          const { session } = await this.api.execute(SESSION, { sessionId: saved.sessionId });
          if (session.__typename !== 'SessionNotFound') {
            return notice ? this.#show(session, 'resume', notice) : this.#accept(session, 'resume');
          }
          this.#forget();
        }
        const input = {
          workflowType: this.options.workflowType ?? null,
          context: this.options.context ?? null,
        };
        const { startWorkflow } = await this.api.execute(START_WORKFLOW, { input });
        this.#session = { sessionId: startWorkflow.started.id, token: startWorkflow.started.token };
        this.store.save(this.#session);
        if (notice && startWorkflow.stepId) return this.#show(startWorkflow, 'start', notice);
        return this.#accept(startWorkflow, 'start');
      },
      () => this.start(),
    );
  }

  /**
   * Shows the first step of a session started elsewhere (the buyer's invitation, which handles
   * its own refusals) and follows it from now on, without asking the server again.
   * @param {any} started  startWorkflow's answer
   */
  opened(started) {
    return this.#request(
      async () => {
        this.#unwatch ??= this.store.watch((saved) => this.#onStored(saved));
        this.#session = { sessionId: started.started.id, token: started.started.token };
        this.store.save(this.#session);
        await this.#accept(started, 'start');
      },
      () => this.start(),
    );
  }

  /**
   * Sends the session a resume link (sendResumeLink) to `address` by `channel` (email | sms),
   * opening this page; the answer as the API gave it (ResumeLinkSent, ResumeLinkInvalid, …).
   * @param {string} channel @param {string} address
   */
  async sendResumeLink(channel, address) {
    if (!this.#session) return { __typename: 'SessionNotFound' };
    const page = new URL(window.location.href);
    page.hash = '';
    for (const name of [...page.searchParams.keys()])
      if (name.startsWith('trex_')) page.searchParams.delete(name);
    const input = { sessionId: this.#session.sessionId, channel, address, returnUrl: page.href };
    const { sendResumeLink } = await this.api.execute(SEND_RESUME_LINK, { input });
    return sendResumeLink;
  }

  /** Submits the shown step's answers, under one idempotency key however often it is retried. */
  submit(/** @type {Record<string, any>} */ data) {
    if (this.#busy || !this.#step || !this.#session) return Promise.resolve();
    const input = {
      sessionId: this.#session.sessionId,
      currentStep: this.#step.stepId,
      data,
      idempotencyKey: newKey(),
    };
    const send = () =>
      this.#request(async () => {
        const { transition } = await this.api.execute(TRANSITION, { input });
        await this.#accept(transition, 'submit');
      }, send);
    return send();
  }

  /** Back to the previous step, or to `toStep` earlier on the path (a summary's Change). @param {string | null} [toStep] */
  back(toStep = null) {
    if (this.#busy || !this.#step || !this.#session) return Promise.resolve();
    /** @type {Record<string, string>} */
    const input = { sessionId: this.#session.sessionId, currentStep: this.#step.stepId };
    if (toStep) input.toStep = toStep;
    const send = () =>
      this.#request(async () => {
        const { back } = await this.api.execute(BACK, { input });
        await this.#accept(back, 'back');
      }, send);
    return send();
  }

  /** The session as the server has it now (another tab moved it, or took it over). */
  refresh(cause = 'push') {
    if (!this.#session) return Promise.resolve();
    return this.#request(async () => {
      const { session } = await this.api.execute(SESSION, { sessionId: this.#session?.sessionId });
      await this.#accept(session, cause);
    }, () => this.refresh(cause));
  }

  /**
   * Another tab saved a session: a new one (it started again) or a new token (it opened a
   * resume link), which this tab adopts. Its steps reach this tab as sessionUpdates pushes, or
   * as a StaleStep answer when this tab's socket is down.
   */
  #onStored(/** @type {import('./session-store.js').SavedSession | null} */ saved) {
    const mine = this.#session;
    if (!saved || !mine || (saved.sessionId === mine.sessionId && saved.token === mine.token))
      return;
    this.#adopt(saved);
    this.#step = null;
    this.refresh('resume');
  }

  /** Follows `session` from now on (its own subscription), remembered for the other tabs. */
  #adopt(/** @type {{sessionId: string, token: string}} */ session) {
    this.#updates?.close();
    this.#updates = null;
    this.#leadEvents.clear();
    this.#lastSeq = 0;
    this.#session = { sessionId: session.sessionId, token: session.token };
    this.store.save(this.#session);
  }

  /** Forgets the session and starts a new one. */
  restart() {
    this.#forget();
    this.#step = null;
    return this.start();
  }

  /** Stops everything: requests, the subscription, timers. */
  dispose() {
    this.#unwatch?.();
    this.#unwatch = null;
    this.#abort.abort();
    this.#updates?.close();
    this.#updates = null;
    clearInterval(this.#pollTimer);
  }

  /** @param {() => Promise<void>} work @param {() => Promise<void>} retry */
  async #request(work, retry) {
    this.#setBusy(true);
    this.#emit('failure', null);
    try {
      await work();
    } catch (error) {
      if (this.#abort.signal.aborted) return;
      console.warn('[trex-workflow]', /** @type {Error} */ (error).message); // for the host's developers
      const kind = /** @type {keyof FAILURES} */ (/** @type {any} */ (error).kind ?? 'graphql');
      this.#emit('failure', {
        message: t(FAILURES[kind] ?? FAILURES.graphql),
        action: { label: t('action.try_again'), run: retry },
        reference: /** @type {any} */ (error).requestId ?? null,
      });
    } finally {
      this.#setBusy(false);
    }
  }

  /** @param {any} result a WorkflowResult @param {string} cause */
  #accept(result, cause) {
    switch (result.__typename) {
      case 'ValidationFailed':
        if (result.step.stepId === this.#step?.stepId)
          this.#emit('errors', { errors: result.errors });
        return;
      case 'StaleStep':
        return this.#show(result.step, 'stale', t('provider.notice.stale'));
      case 'TransitionRejected':
        return this.#show(result.step, 'rejected', result.reason);
      case 'SessionNotFound':
        this.#forget();
        this.#emit('failure', {
          message: t('provider.error.session_ended'),
          action: { label: t('action.start_again'), run: () => this.restart() },
        });
        return;
      default:
        return this.#show(result, cause);
    }
  }

  /**
   * Shows `step` once what it needs has loaded, in the order the steps came (a fast answer
   * never overtakes a slower one, so the dedupe below sees them as they were sent). A module
   * that cannot be fetched is a network failure, with Try again.
   * @param {any} step @param {string} cause @param {string} [notice] @returns {Promise<void>}
   */
  #show(step, cause, notice) {
    const ready = this.options.prepare?.(step) ?? Promise.resolve();
    const run = this.#showing.then(
      () => ready.then(
        () => this.#showNow(step, cause, notice),
        (error) => {
          if (this.#abort.signal.aborted) return;
          console.warn('[trex-workflow]', /** @type {Error} */ (error).message);
          this.#emit('failure', {
            message: t('provider.error.network'),
            action: { label: t('action.try_again'), run: () => this.#show(step, cause, notice) },
          });
        },
      ),
    );
    this.#showing = run.catch(() => {}); // a step that failed to render holds up no other
    return run;
  }

  /** @param {any} step @param {string} cause @param {string} [notice] */
  #showNow(step, cause, notice) {
    if (this.#abort.signal.aborted) return;
    const shown = this.#step;
    if (shown && cause !== 'stale') {
      const [seq, shownSeq] = [step.session.seq, shown.session.seq];
      // An older answer than what is on screen, or the same step once more from the other
      // channel (unless it brings a notice to show, such as a refused Back's reason).
      if (seq < shownSeq) return;
      const same = seq === shownSeq && step.stepId === shown.stepId;
      if (same && !notice && (cause === 'push' || this.#shownBy === 'push')) return;
    }
    this.#step = step;
    this.#shownBy = cause;
    this.#lastSeq = Math.max(this.#lastSeq, step.session.seq);
    this.#emit('step', { step, cause, notice });
    this.#follow(step);
  }

  /** Subscribes once per session; polls only while waiting on a step with the socket down. */
  #follow(/** @type {any} */ step) {
    if (!this.#updates && this.#session) {
      const { sessionId, token } = this.#session;
      this.#updates = subscribe({
        url: websocketUrl(this.options.endpoint),
        query: SESSION_UPDATES,
        payload: () => ({ authorization: `Bearer ${token}` }),
        // A completion step replays its lead's history (a reload must show the whole timeline).
        variables: () => ({
          sessionId,
          afterSeq: this.#step?.componentName === 'Completion' ? 0 : this.#lastSeq,
        }),
        next: (data) => this.#onUpdate(data.sessionUpdates),
        error: () => {
          this.#updates = null;
        },
      });
    }
    clearInterval(this.#pollTimer);
    if (step.componentName === 'Pending') {
      this.#pollTimer = window.setInterval(() => this.#poll(), POLL_MS);
    }
  }

  async #poll() {
    if (this.#updates?.open || this.#busy || !this.#session) return;
    const { session } = await this.api
      .execute(SESSION, { sessionId: this.#session.sessionId })
      .catch(() => ({ session: null }));
    if (session && session.__typename !== 'SessionNotFound') this.#accept(session, 'push');
  }

  /** @param {{seq: number, type: string, step: any, lead: any}} update */
  #onUpdate(update) {
    this.#lastSeq = Math.max(this.#lastSeq, update.seq);
    const lead = update.lead;
    if (lead && !this.#leadEvents.has(`${lead.leadId}:${lead.seq}`)) {
      this.#leadEvents.set(`${lead.leadId}:${lead.seq}`, lead);
      this.#emit('lead', { event: lead });
    }
    if (update.step) this.#show(update.step, 'push');
  }

  #forget() {
    if (this.#session) this.drafts.clearSession(this.#session.sessionId);
    this.store.clear();
    this.#session = null;
    this.#updates?.close();
    this.#updates = null;
    this.#leadEvents.clear();
  }

  /** @param {boolean} busy */
  #setBusy(busy) {
    this.#busy = busy;
    this.#emit('busy', { busy });
  }

  /** @param {string} type @param {any} detail */
  #emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}
