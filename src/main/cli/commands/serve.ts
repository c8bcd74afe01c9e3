// `paddy serve`: runs the studio in a browser on this machine (127.0.0.1 only, token-protected) until Ctrl-C.
import fs from 'node:fs';
import { num, str, UsageError, type Command, type ParsedArgs } from '../command';
import { register } from './index';
import { watchLauncher } from '../launcher-watch';

export const serveCommand: Command = {
  name: 'serve',
  summary: 'Serve the studio to a browser on this machine (http://127.0.0.1, token-protected)',
  usage: 'paddy serve [--library DIR] [--port N] [--token-file FILE | --token T]  (or the token in $PADDY_TOKEN)',
  options: {
    port: { type: 'string' },
    token: { type: 'string' },
    'token-file': { type: 'string' },
  },
  async run(args, io) {
    const port = num(args, 'port', 0)!;
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0..65535 (got ${port})`);
    // Loaded here so other commands do not pay for the web stack.
    const { startWebHost } = await import('../../web/server');
    const { buildStudio, studioBuildNeeded } = await import('../../web/build-studio');
    const need = studioBuildNeeded();
    if (need) {
      // Right after `npm ci` nothing is built yet: build once rather than answer "not built".
      io.err(need === 'missing' ? 'Building the studio for the browser (first run only, about a minute)…' : 'The studio sources changed: rebuilding it (about a minute)…');
      const t0 = Date.now();
      await buildStudio();
      io.err(`Built the studio in ${Math.round((Date.now() - t0) / 1000)} s.`);
    }
    const host = await startWebHost({ libraryDir: str(args, 'library'), port, token: chosenToken(args) });
    if (args.values.json) io.out(JSON.stringify({ url: host.url, port: host.port, token: host.token }));
    else {
      io.out(`Paddy is serving ${host.ctx.library().dir}`);
      io.out(`Open: ${host.url}`);
      io.out('Press Ctrl-C to stop.');
    }
    await new Promise<void>((resolve) => {
      const stop = (): void => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        unwatch();
        resolve();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
      // Killing `npx paddy serve` kills npm, not this grandchild: stop with it rather than serve on as an orphan.
      const unwatch = watchLauncher(() => {
        io.err('paddy serve: the npm process that started it has exited; stopping.');
        stop();
      });
    });
    await host.close();
    return 0;
  },
};

/**
 * The token to require: --token-file FILE or $PADDY_TOKEN keep it out of `ps`, which shows every process's
 * arguments to every user of the machine; --token T still works for a throwaway session. None: a random one.
 */
function chosenToken(args: ParsedArgs): string | undefined {
  const inline = str(args, 'token');
  const file = str(args, 'token-file');
  if (inline !== undefined && file !== undefined) throw new UsageError('give --token or --token-file, not both');
  let token = inline ?? process.env.PADDY_TOKEN;
  let from = inline !== undefined ? '--token' : '$PADDY_TOKEN';
  if (file !== undefined) {
    try {
      token = fs.readFileSync(file, 'utf8').trim();
    } catch (e) {
      throw new UsageError(`--token-file: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    from = '--token-file';
  }
  if (token === undefined || (token === '' && from === '$PADDY_TOKEN')) return undefined;
  if (token.length < 8 || /\s/.test(token)) throw new UsageError(`${from}: the token must be at least 8 characters without spaces`);
  return token;
}

register(serveCommand);
