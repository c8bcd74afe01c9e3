// `paddy-img://thumb/<id>` and `paddy-img://full/<id>`: the renderer's only way to library images in Electron.
// Other hosts, extra path segments, traversal, escapes, queries and unknown ids are refused.
import { IMAGE_SCHEME } from '../../shared/contract';
import { parseImageRef, readImage, type ImageRef, type ResolveImage } from '../web/images';

export function parseImageUrl(rawUrl: string): ImageRef {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return { status: 400, reason: 'malformed URL' };
  }
  if (url.protocol !== `${IMAGE_SCHEME}:`) return { status: 403, reason: `scheme ${url.protocol} is not served` };
  if (url.search || url.username || url.password || url.port) return { status: 403, reason: 'unexpected URL parts' };
  // Raw text check as well: URL parsing already collapsed "..", so refuse anything that had it or an escape.
  const rest = rawUrl.slice(`${IMAGE_SCHEME}://`.length);
  if (/%|\\|\.\./.test(rest)) return { status: 403, reason: 'path escapes are not allowed' };
  const m = /^\/([^/]+)$/.exec(url.pathname);
  if (!m) return { status: 404, reason: 'no such image' };
  return parseImageRef(url.hostname, m[1]);
}

/** The handler given to `protocol.handle(IMAGE_SCHEME, …)`. */
export function createImageProtocolHandler(resolve: ResolveImage): (request: { url: string; method?: string }) => Promise<Response> {
  return async (request) => {
    if (request.method && request.method !== 'GET' && request.method !== 'HEAD') {
      return new Response('method not allowed', { status: 405 });
    }
    const reply = await readImage(parseImageUrl(request.url), resolve);
    return new Response(typeof reply.body === 'string' ? reply.body : new Uint8Array(reply.body), { status: reply.status, headers: reply.headers });
  };
}
