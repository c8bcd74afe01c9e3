// `paddy doctor`: checks a library's paddy.db in full (integrity_check) and, with --recover, rebuilds it from
// what SQLite can still read (or from the newest backup when it is gone), keeping the damaged file. It works
// on the files directly rather than through the API: the API opens only whole libraries.
import { defaultLibraryDir, openLibrary } from '../../library';
import { examineLibrary, recoverLibrary, type Examination, type Recovery } from '../../db/recover';
import { str, type CliIo, type Command } from '../command';
import { register } from './index';

function describe(ex: Examination, io: CliIo): void {
  io.out(`Library ${ex.library}`);
  if (ex.state === 'ok') io.out('paddy.db: whole (integrity_check ok)');
  else if (ex.state === 'damaged') {
    io.out(`paddy.db: DAMAGED — integrity_check found ${ex.problems.length === 20 ? '20 or more' : ex.problems.length} problem(s):`);
    for (const p of ex.problems.slice(0, 10)) io.out(`  ${p}`);
  } else io.out(`paddy.db: ${ex.state === 'missing' ? 'MISSING' : 'EMPTY (0 bytes)'}`);
  io.out(ex.backups.length ? `Backups (newest first): ${ex.backups.join(', ')}` : 'Backups: none');
}

export const doctorCommand: Command = {
  name: 'doctor',
  summary: 'Check the library database in full; --recover rebuilds a damaged or lost one (the damaged file is kept)',
  usage: 'paddy doctor [--library DIR] [--recover] [--json]  (close the app and other commands on this library first)',
  options: { recover: { type: 'boolean' } },
  async run(args, io) {
    const dir = str(args, 'library') ?? defaultLibraryDir();
    const json = Boolean(args.values.json);
    const ex = examineLibrary(dir);
    if (!args.values.recover || ex.state === 'ok') {
      if (json) io.out(JSON.stringify(ex));
      else {
        describe(ex, io);
        if (ex.state === 'damaged') io.out(`To recover what can be read into a new file (the damaged one is kept): paddy doctor --library ${ex.library} --recover`);
        if (ex.state === 'missing' || ex.state === 'empty') {
          io.out(ex.backups.length ? `To restore the newest whole backup: paddy doctor --library ${ex.library} --recover` : 'There is no backup to restore from.');
        }
      }
      return ex.state === 'ok' ? 0 : 1;
    }
    if (!json) describe(ex, io);
    const recovery: Recovery = recoverLibrary(dir);
    // The proof: it opens as a library again (migrations, repairs) and says how many images it holds.
    const lib = openLibrary(dir);
    const images = Number(lib.db.prepare('SELECT COUNT(*) FROM images').pluck().get());
    lib.close();
    if (json) io.out(JSON.stringify({ ...ex, recovery, images }));
    else {
      io.out(`Recovered by ${recovery.method}: the library opens again with ${images} image(s).`);
      for (const n of recovery.notes) io.out(`  ${n}`);
      if (recovery.orphansRemoved) io.out(`  ${recovery.orphansRemoved} row(s) pointing at lost images or classes were dropped`);
      if (recovery.damagedKept) io.out(`The damaged file is kept as ${recovery.damagedKept}`);
    }
    return 0;
  },
};

register(doctorCommand);
