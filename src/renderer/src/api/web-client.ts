// PaddyApi over the web host: each request is `POST apiPath(name)`, authorized by the host's session cookie (the
// browser sends it by itself) or, when one is given, a bearer token; events arrive on one WebSocket at WS_PATH
// that reconnects by itself (with back-off) while anyone listens.
import {
  EVENT_NAMES,
  REQUEST_NAMES,
  WEB_IMAGE_PREFIX,
  WS_PATH,
  apiPath,
  imageUrlPath,
  type EventMap,
  type EventMessage,
  type EventName,
  type PaddyApi,
  type RequestName,
  type Result,
} from '../../../shared/contract';
import { ApiError, unwrap } from './unwrap';

/** The subset of the browser WebSocket the client needs (Node tests pass the `ws` package). */
export interface SocketLike {
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  close(): void;
}
export type SocketFactory = (url: string) => SocketLike;

export interface WebApiOptions {
  fetch?: typeof fetch;
  socket?: SocketFactory;
  /** Back-off bounds for reconnecting the event socket, in ms. */
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
}

/** The web host refused the token (wrong, or from an earlier `paddy serve`): nothing else will work either. */
export class NotAuthorizedError extends ApiError {}

export type WebApi = PaddyApi & {
  /** Closes the event socket and stops reconnecting (tests; page unload). */
  close(): void;
  /** True while the event socket is open. */
  connected(): boolean;
};

/** `token` null: rely on the session cookie (a page opened through the printed URL, reloaded, or a second tab). */
export function createWebApi(baseUrl: string, token: string | null, options: WebApiOptions = {}): WebApi {
  const base = baseUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  // Through globalThis so this file also type-checks (and runs in tests) outside the DOM.
  const makeSocket: SocketFactory =
    options.socket ?? ((url) => new (globalThis as unknown as { WebSocket: new (u: string) => SocketLike }).WebSocket(url));
  const api: Record<string, unknown> = {};

  for (const name of REQUEST_NAMES) {
    api[name] = async (input: unknown) => {
      let res: Response;
      try {
        res = await doFetch(base + apiPath(name), {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
          body: JSON.stringify(input ?? {}),
        });
      } catch (e) {
        throw new ApiError(name, `${name}: cannot reach the Paddy web host (${(e as Error).message})`);
      }
      if (res.status === 401) throw new NotAuthorizedError(name, `${name}: not authorized — open the URL with ?token= that \`paddy serve\` printed`);
      let body: Result<unknown>;
      try {
        body = (await res.json()) as Result<unknown>;
      } catch {
        throw new ApiError(name, `${name}: the web host answered HTTP ${res.status} without JSON`);
      }
      return unwrap(name as RequestName, body);
    };
  }

  // ---- events: one socket, opened on the first listener, reconnected with back-off until close()
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  let socket: SocketLike | null = null;
  let open = false;
  let closed = false;
  let delay = options.reconnectMinMs ?? 250;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const tokenQuery = token ? `?token=${encodeURIComponent(token)}` : '';
  const wsUrl = `${base.replace(/^http/, 'ws')}${WS_PATH}${tokenQuery}`;

  const connect = (): void => {
    if (closed || socket) return;
    const s = makeSocket(wsUrl);
    socket = s;
    s.onopen = () => {
      open = true;
      delay = options.reconnectMinMs ?? 250;
    };
    s.onmessage = (ev) => {
      let msg: EventMessage;
      try {
        msg = JSON.parse(typeof ev.data === 'string' ? ev.data : String(ev.data)) as EventMessage;
      } catch {
        return;
      }
      for (const l of listeners.get(msg.name) ?? []) l(msg.payload);
    };
    s.onerror = () => {};
    s.onclose = () => {
      open = false;
      socket = null;
      if (closed) return;
      timer = setTimeout(connect, delay);
      delay = Math.min(delay * 2, options.reconnectMaxMs ?? 5000);
    };
  };

  api.on = <K extends EventName>(name: K, listener: (payload: EventMap[K]) => void): (() => void) => {
    if (!EVENT_NAMES.includes(name)) throw new Error(`on: unknown event "${String(name)}"`);
    let set = listeners.get(name);
    if (!set) listeners.set(name, (set = new Set()));
    const l = listener as (payload: unknown) => void;
    set.add(l);
    connect();
    return () => {
      set.delete(l);
    };
  };
  api.imageUrl = (kind: 'thumb' | 'full', imageId: number): string =>
    `${base}${WEB_IMAGE_PREFIX}${imageUrlPath(kind, imageId)}${tokenQuery}`;
  api.close = () => {
    closed = true;
    if (timer) clearTimeout(timer);
    socket?.close();
    socket = null;
  };
  api.connected = () => open;
  return api as WebApi;
}
