// Apollo Client and urql, each with its defaults plus only what the README tells a developer to
// set (possibleTypes, the Authorization header, graphql-ws's connectionParams), walk one flow
// against one server: selling to a private buyer with financing up to the invitation the seller
// sends; then the buyer, with a client of their own, opens the invitation's link (its token as
// the sandbox's communications service delivered it) and applies, the credit check's result
// pushed over the subscription. `node clients.mjs PLAN.json` prints one JSON object: per
// client, what it saw; tests/e2e/test_js_clients.py asserts on it.
import { readFileSync } from 'node:fs';

import { ApolloClient, HttpLink, InMemoryCache, gql, split } from '@apollo/client/core/index.js';
import { setContext } from '@apollo/client/link/context/index.js';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions/index.js';
import { getMainDefinition } from '@apollo/client/utilities/index.js';
import { Client, cacheExchange, fetchExchange, subscriptionExchange } from '@urql/core';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const plan = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const LOOPBACK = /^(http|ws):\/\/(127\.0\.0\.1|localhost|\[::1\])[:/]/;
if (![plan.http, plan.ws, plan.messages].every((url) => LOOPBACK.test(url))) {
  console.error('the plan names a server off loopback');
  process.exit(2);
}
const possibleTypes = JSON.parse(readFileSync(plan.possibleTypes, 'utf8'));
const WAIT_MS = 15000;

/** The step a result stands for (a union member or its `step`). */
const stepOf = (result) => (result.stepId ? result : result.step);

/** The first `count` values of a subscription, then it is closed (bounded in time). */
function take(subscribe, count) {
  return new Promise((resolve, reject) => {
    const seen = [];
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`${seen.length} of ${count} updates after ${WAIT_MS} ms`));
    }, WAIT_MS);
    const stop = subscribe(
      (value) => {
        seen.push(value);
        if (seen.length === count) {
          clearTimeout(timer);
          stop();
          resolve(seen);
        }
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** The token of the invitation link the sandbox's communications service delivered to `to`
 * (it sends from the outbox, after the seller's move: polled, bounded in time). */
async function invitationToken(to) {
  const deadline = Date.now() + WAIT_MS;
  while (Date.now() < deadline) {
    const response = await fetch(`${plan.messages}?to=${encodeURIComponent(to)}`);
    const { messages } = await response.json();
    const sent = messages.filter((m) => m.template === 'financing_invitation');
    if (sent.length > 0) {
      // The page the seller used (a path when no host page sent its own).
      const link = new URL(sent[sent.length - 1].data.link, plan.http);
      return link.searchParams.get('trex_invitation');
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no invitation to the buyer after ${WAIT_MS} ms`);
}

/** Starts a session with `client` and moves it over `steps`; what it saw, and where it is. */
async function begin(client, variables, steps, seen) {
  const started = await client.start(variables);
  const step = stepOf(started);
  seen.firstStep = {
    typename: started.__typename,
    stepId: step.stepId,
    id: step.id,
    workflow: step.session.workflow,
  };
  seen.token = step.started?.token ?? null;
  client.token = seen.token;
  const sessionId = step.session.id;
  seen.sessionFirst = (await client.session(sessionId)).stepId;
  let current = step;
  for (const [stepId, data] of steps) {
    const result = await client.move(sessionId, stepId, data);
    current = stepOf(result);
    if (current.stepId === undefined) seen.dropped.push(result.__typename);
    seen.steps.push(current.stepId);
  }
  return { step, sessionId, current };
}

/** What a session's client keeps at its end: the session query's answer, the cached token. */
async function end(client, sessionId, startStepId, seen) {
  const last = await client.session(sessionId);
  seen.sessionLast = { stepId: last.stepId, id: last.id };
  seen.tokenKept = client.cachedToken?.(sessionId, startStepId) ?? null;
  client.close();
}

/** The seller walks the plan's steps with `client` ({start, move, session, updates}), up to the
 * invitation and on to the lead; the buyer, with `buyerClient`, applies from the invitation's
 * link, the credit result pushed. What each saw. */
async function walk(client, buyerClient, name) {
  const seen = { steps: [], dropped: [] };
  const seller = await begin(client, plan.startVariables, plan.before[name], seen);
  const to = Object.fromEntries(plan.before[name]).buyer_financing_invite.buyer_email;
  let done = stepOf(await client.move(seller.sessionId, seller.current.stepId, plan.contact));
  seen.steps.push(done.stepId);
  for (const [stepId, data] of plan.after) {
    done = stepOf(await client.move(seller.sessionId, stepId, data));
    seen.steps.push(done.stepId);
  }
  seen.leadReference = done.leadReference ?? null;
  await end(client, seller.sessionId, seller.step.id, seen);

  const buyer = { steps: [], dropped: [] };
  seen.buyer = buyer;
  const invitation = await invitationToken(to);
  const variables = { input: { workflowType: 'BUYER_FINANCING', invitation } };
  const { step, sessionId, current } = await begin(buyerClient, variables, plan.buyerBefore, buyer);
  buyer.afterSeq = current.session.seq;
  const pushed = take(
    (next, error) => buyerClient.updates(sessionId, current.session.seq, next, error),
    2,
  );
  const [stepId, data] = plan.credit;
  const pending = stepOf(await buyerClient.move(sessionId, stepId, data));
  buyer.steps.push(pending.stepId);
  const updates = await pushed;
  buyer.pushed = updates.map((u) => ({
    type: u.type,
    seq: u.seq,
    stepId: u.step?.stepId ?? null,
    outcome: u.step?.outcome ?? null,
  }));
  const result = updates[1].step;
  const complete = stepOf(await buyerClient.move(sessionId, result.stepId, plan.share));
  buyer.steps.push(complete.stepId);
  await end(buyerClient, sessionId, step.id, buyer);
  return seen;
}

function apollo() {
  const state = { token: null };
  const ws = createClient({
    url: plan.ws,
    webSocketImpl: WebSocket,
    connectionParams: () => ({ authorization: `Bearer ${state.token}` }),
  });
  const auth = setContext((_, { headers }) => ({
    headers: state.token ? { ...headers, Authorization: `Bearer ${state.token}` } : headers,
  }));
  const link = split(
    ({ query }) => getMainDefinition(query).operation === 'subscription',
    new GraphQLWsLink(ws),
    auth.concat(new HttpLink({ uri: plan.http })),
  );
  const cache = new InMemoryCache({ possibleTypes });
  const apollo = new ApolloClient({ link, cache });
  const docs = Object.fromEntries(Object.entries(plan.documents).map(([k, v]) => [k, gql(v)]));
  return {
    set token(value) {
      state.token = value;
    },
    start: async (variables) =>
      (await apollo.mutate({ mutation: docs.start, variables })).data.startWorkflow,
    move: async (sessionId, currentStep, data) =>
      (
        await apollo.mutate({
          mutation: docs.transition,
          variables: { input: { sessionId, currentStep, data } },
        })
      ).data.transition,
    session: async (sessionId) =>
      (await apollo.query({ query: docs.session, variables: { sessionId } })).data.session,
    updates: (sessionId, afterSeq, next, error) => {
      const subscription = apollo
        .subscribe({ query: docs.updates, variables: { sessionId, afterSeq } })
        .subscribe({ next: ({ data }) => next(data.sessionUpdates), error });
      return () => subscription.unsubscribe();
    },
    // The token as Apollo's cache keeps it, after every later answer was written into it.
    cachedToken: (sessionId, startStepId) => {
      const fragment = gql`fragment Kept on SessionStart { token }`;
      const id = cache.identify({ __typename: 'SessionStart', id: sessionId });
      const entity = cache.readFragment({ id, fragment });
      const stored = cache.extract();
      const key = Object.keys(stored).find((k) => k.endsWith(`Step:${startStepId}`));
      const started = key && stored[key].started;
      return { entity: entity?.token ?? null, onStartStep: Boolean(started), key: key ?? null };
    },
    close: () => {
      apollo.stop();
      ws.dispose();
    },
  };
}

function urql() {
  const state = { token: null };
  const ws = createClient({
    url: plan.ws,
    webSocketImpl: WebSocket,
    connectionParams: () => ({ authorization: `Bearer ${state.token}` }),
  });
  const client = new Client({
    url: plan.http,
    exchanges: [
      cacheExchange,
      fetchExchange,
      subscriptionExchange({
        forwardSubscription: (request) => ({
          subscribe: (sink) => ({ unsubscribe: ws.subscribe({ ...request, query: request.query ?? '' }, sink) }),
        }),
      }),
    ],
    fetchOptions: () => (state.token ? { headers: { Authorization: `Bearer ${state.token}` } } : {}),
  });
  const docs = plan.documents;
  const unwrap = (result, field) => {
    if (result.error) throw result.error;
    return result.data[field];
  };
  return {
    set token(value) {
      state.token = value;
    },
    start: async (variables) =>
      unwrap(await client.mutation(docs.start, variables).toPromise(), 'startWorkflow'),
    move: async (sessionId, currentStep, data) =>
      unwrap(
        await client
          .mutation(docs.transition, { input: { sessionId, currentStep, data } })
          .toPromise(),
        'transition',
      ),
    session: async (sessionId) =>
      unwrap(await client.query(docs.session, { sessionId }).toPromise(), 'session'),
    updates: (sessionId, afterSeq, next, error) => {
      const { unsubscribe } = client
        .subscription(docs.updates, { sessionId, afterSeq })
        .subscribe((result) => (result.error ? error(result.error) : next(result.data.sessionUpdates)));
      return unsubscribe;
    },
    close: () => ws.dispose(),
  };
}

const out = {};
for (const [name, make] of [['apollo', apollo], ['urql', urql]]) {
  try {
    out[name] = await walk(make(), make(), name);
  } catch (error) {
    out[name] = { failed: String(error?.stack ?? error) };
  }
}
process.stdout.write(JSON.stringify(out) + '\n');
process.exit(0);
