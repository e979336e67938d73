// graphql-ws's own client against one server: `node ws-client.mjs ws://127.0.0.1:PORT/graphql`
// runs each case below and prints one JSON object: per case, what the client's sink saw
// (`next` payloads, `error`, `complete`), for tests/e2e/test_graphql_http_audit.py.
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const url = process.argv[2];
if (!url || !/^ws:\/\/(127\.0\.0\.1|localhost|\[::1\])[:/]/.test(url)) {
  console.error('usage: node ws-client.mjs ws://127.0.0.1:PORT/graphql (loopback only)');
  process.exit(2);
}

const CASES = {
  query: { query: '{ __typename }' },
  unknownSession: { query: 'subscription { sessionUpdates(sessionId: "nope") { seq } }' },
  invalid: { query: 'subscription { nope }' },
  twoOperations: { query: 'query A { __typename } query B { __typename }' },
};

function run(client, payload) {
  return new Promise((resolve) => {
    const seen = { next: [], error: null, complete: false };
    const timer = setTimeout(() => resolve({ ...seen, timedOut: true }), 5000);
    client.subscribe(payload, {
      next: (value) => seen.next.push(value),
      error: (error) => {
        clearTimeout(timer);
        seen.error = Array.isArray(error) ? error.map((e) => e.message) : String(error.message ?? error);
        resolve(seen);
      },
      complete: () => {
        clearTimeout(timer);
        seen.complete = true;
        resolve(seen);
      },
    });
  });
}

// connectionParams undefined: the client sends connection_init without a payload.
const client = createClient({ url, webSocketImpl: WebSocket, retryAttempts: 0, lazy: true });
const report = {};
for (const [name, payload] of Object.entries(CASES)) report[name] = await run(client, payload);
await client.dispose();
process.stdout.write(JSON.stringify(report) + '\n');
