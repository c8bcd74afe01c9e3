// `paddy serve`: runs the studio in a browser on this machine (127.0.0.1 only, token-protected) until Ctrl-C.
import { num, str, UsageError, type Command } from '../command';
import { register } from './index';

export const serveCommand: Command = {
  name: 'serve',
  summary: 'Serve the studio to a browser on this machine (http://127.0.0.1, token-protected)',
  usage: 'paddy serve [--library DIR] [--port N] [--token T]',
  options: {
    port: { type: 'string' },
    token: { type: 'string' },
  },
  async run(args, io) {
    const port = num(args, 'port', 0)!;
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0..65535 (got ${port})`);
    // Loaded here so other commands do not pay for the web stack.
    const { startWebHost } = await import('../../web/server');
    const host = await startWebHost({ libraryDir: str(args, 'library'), port, token: str(args, 'token') });
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
        resolve();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    await host.close();
    return 0;
  },
};

register(serveCommand);
