// Serves the built renderer (out/renderer) read-only: only files inside that folder, with the studio's CSP.
import fs from 'node:fs';
import path from 'node:path';
import type { ServerResponse } from 'node:http';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.wasm': 'application/wasm',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

export function serveStatic(staticDir: string, pathname: string, res: ServerResponse, headers: Record<string, string>): void {
  const root = path.resolve(staticDir);
  let rel: string;
  try {
    rel = decodeURIComponent(pathname);
  } catch {
    res.writeHead(400, { ...headers, 'content-type': 'text/plain' }).end('bad path');
    return;
  }
  if (rel.includes('\0')) {
    res.writeHead(400, { ...headers, 'content-type': 'text/plain' }).end('bad path');
    return;
  }
  let file = path.resolve(root, '.' + path.posix.normalize('/' + rel));
  if (file !== root && !file.startsWith(root + path.sep)) {
    res.writeHead(403, { ...headers, 'content-type': 'text/plain' }).end('forbidden');
    return;
  }
  let stat = statOrNull(file);
  if (stat?.isDirectory()) {
    file = path.join(file, 'index.html');
    stat = statOrNull(file);
  }
  // Paths without an extension are the studio's own routes: answer with the app.
  if (!stat && !path.extname(file)) {
    file = path.join(root, 'index.html');
    stat = statOrNull(file);
  }
  if (!stat || !stat.isFile()) {
    const built = fs.existsSync(path.join(root, 'index.html'));
    res
      .writeHead(built ? 404 : 503, { ...headers, 'content-type': 'text/plain; charset=utf-8' })
      .end(built ? 'not found' : `the studio is not built (${root} is missing): run \`npm run build\``);
    return;
  }
  const type = TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
  res.writeHead(200, {
    ...headers,
    'content-type': type,
    'content-length': String(stat.size),
    // Hashed asset names can be cached; index.html must be fresh.
    'cache-control': file.endsWith('index.html') ? 'no-cache' : 'public, max-age=31536000, immutable',
  });
  fs.createReadStream(file).pipe(res);
}

function statOrNull(p: string): fs.Stats | null {
  try {
    return fs.statSync(p);
  } catch {
    return null;
  }
}
