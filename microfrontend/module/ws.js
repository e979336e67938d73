/**
 * A minimal graphql-transport-ws client for one long-lived subscription: connection_init with
 * the token, one `subscribe`, pings answered, and on a dropped connection a reconnect with
 * backoff that subscribes again with fresh variables (the caller's latest afterSeq), so the
 * server replays whatever was missed. An `error` from the server (say, an unknown session) ends it,
 * except a limit (RATE_LIMITED, TOO_MANY_SUBSCRIPTIONS): then it subscribes again on the same
 * socket after `retryAfter` seconds (or the backoff).
 */

const PROTOCOL = 'graphql-transport-ws';
// Close codes after which trying again cannot help (bad request, forbidden, duplicate id, …).
const FATAL_CLOSE = new Set([4400, 4401, 4403, 4406, 4409, 4429]);
const ACK_TIMEOUT_MS = 10000;
const LIMITS = new Set(['RATE_LIMITED', 'TOO_MANY_SUBSCRIPTIONS']);

/**
 * @param {{url: string, query: string, variables: () => Record<string, any>,
 *          payload: () => Record<string, any>, next: (data: any) => void,
 *          error?: (errors: any) => void, status?: (open: boolean) => void,
 *          backoffMs?: number, maxBackoffMs?: number}} options
 * @returns {{close: () => void, readonly open: boolean}}
 */
export function subscribe(options) {
  const { backoffMs = 500, maxBackoffMs = 10000 } = options;
  /** @type {WebSocket | null} */
  let socket = null;
  let open = false;
  let closed = false;
  let attempt = 0;
  let retryTimer = 0;
  let ackTimer = 0;

  const send = (/** @type {object} */ message) => socket?.send(JSON.stringify(message));
  const setOpen = (/** @type {boolean} */ value) => {
    if (open !== value) options.status?.((open = value));
  };
  const stop = (/** @type {any} */ errors) => {
    closed = true;
    socket?.close(1000);
    if (errors) options.error?.(errors);
  };

  function connect() {
    clearTimeout(retryTimer);
    const ws = new WebSocket(options.url, PROTOCOL);
    socket = ws;
    ws.onopen = () => {
      send({ type: 'connection_init', payload: options.payload() });
      ackTimer = window.setTimeout(() => ws.close(4408, 'No connection_ack'), ACK_TIMEOUT_MS);
    };
    ws.onmessage = (event) => receive(JSON.parse(event.data));
    ws.onclose = (event) => {
      clearTimeout(ackTimer);
      if (socket !== ws) return;
      setOpen(false);
      if (closed || FATAL_CLOSE.has(event.code)) return;
      const delay = Math.min(backoffMs * 2 ** attempt, maxBackoffMs) + Math.random() * 250;
      attempt += 1;
      retryTimer = window.setTimeout(connect, delay);
    };
  }

  /** @param {{type: string, id?: string, payload?: any}} message */
  function receive(message) {
    switch (message.type) {
      case 'connection_ack':
        clearTimeout(ackTimer);
        attempt = 0;
        subscribeNow();
        setOpen(true);
        break;
      case 'ping':
        send({ type: 'pong' });
        break;
      case 'next':
        if (message.payload?.data) options.next(message.payload.data);
        else if (message.payload?.errors) stop(message.payload.errors);
        break;
      case 'error':
        if (LIMITS.has(message.payload?.[0]?.extensions?.code)) later(message.payload[0]);
        else stop(message.payload);
        break;
      case 'complete':
        stop(null);
        break;
      default:
    }
  }

  function subscribeNow() {
    const payload = { query: options.query, variables: options.variables() };
    send({ id: '1', type: 'subscribe', payload });
  }

  /** A limit refused the subscribe; the socket is still open. @param {any} error */
  function later(error) {
    const seconds = Number(error.extensions.retryAfter) || 0;
    const delay = seconds ? seconds * 1000 : Math.min(backoffMs * 2 ** attempt, maxBackoffMs);
    attempt += 1;
    setOpen(false); // meanwhile the provider polls a pending step
    const current = socket;
    window.setTimeout(() => {
      if (closed || socket !== current || current?.readyState !== WebSocket.OPEN) return;
      subscribeNow();
      setOpen(true);
    }, delay + Math.random() * 250);
  }

  // Back online: reconnect now rather than when the backoff ends.
  const online = () => {
    if (!closed && socket?.readyState === WebSocket.CLOSED) connect();
  };
  window.addEventListener('online', online);
  connect();

  return {
    close() {
      window.removeEventListener('online', online);
      clearTimeout(retryTimer);
      setOpen(false);
      stop(null);
    },
    get open() {
      return open;
    },
  };
}

/** The websocket URL of a GraphQL endpoint (same host and path). @param {string} endpoint */
export function websocketUrl(endpoint) {
  const url = new URL(endpoint, window.location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.href;
}
