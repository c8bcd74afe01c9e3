import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PredictResult } from '../../../src/shared/types';
import { predictUploaded } from '../../../src/main/services/predict-upload';

test('uploaded files are written to a private temp folder, reported under their own names, then removed', async () => {
  let seen: string[] = [];
  const results = await predictUploaded(
    [
      { name: 'grain one.jpg', base64: Buffer.from('abc').toString('base64') },
      { name: '../../etc/passwd', base64: Buffer.from('xyz').toString('base64') },
      { name: 'empty.jpg', base64: '' + '=' },
    ],
    async (paths) => {
      seen = paths;
      for (const p of paths) {
        assert.ok(p.startsWith(os.tmpdir()), p);
        assert.ok(fs.existsSync(p));
      }
      assert.equal(fs.readFileSync(paths[0]!, 'utf8'), 'abc');
      // Both files sit in one folder made for this call: the traversal name stayed a file name.
      assert.equal(path.dirname(paths[0]!), path.dirname(paths[1]!));
      return paths.map((p, i): PredictResult =>
        i === 0 ? { path: p, predicted: 'Ipsala', probabilities: { Ipsala: 0.9 } } : { path: p, predicted: null, probabilities: {}, error: `${p}: not an image` },
      );
    },
  );
  assert.equal(seen.length, 2);
  assert.deepEqual(results.map((r) => r.path), ['grain one.jpg', '../../etc/passwd', 'empty.jpg']);
  assert.equal(results[0]!.predicted, 'Ipsala');
  assert.equal(results[1]!.error, '../../etc/passwd: not an image');
  assert.match(results[2]!.error!, /empty\.jpg: empty file/);
  for (const p of seen) assert.equal(fs.existsSync(path.dirname(p)), false, 'the temp folder is gone');
});

test('the temp folder is removed even when prediction fails', async () => {
  let dir = '';
  await assert.rejects(
    predictUploaded([{ name: 'a.jpg', base64: Buffer.from('a').toString('base64') }], async (paths) => {
      dir = path.dirname(paths[0]!);
      throw new Error('run not found');
    }),
    /run not found/,
  );
  assert.equal(fs.existsSync(dir), false);
});
