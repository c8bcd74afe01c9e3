// Child process for the pixel-cache kill test: decodes every image of the library at `size` through the pixel
// cache in small batches, slowed down so the parent can SIGKILL it between (or during) committed batches.
// Usage: node --import tsx tests/helpers/pixel-cache-child.ts <libraryDir> <size> <batchSize> <delayMs>
import { decodeMany } from '../../src/main/engine/data/images';
import { openLibrary } from '../../src/main/library';
import { decodeCached } from '../../src/main/engine/data/pixel-cache';

const [dir, size, batchSize, delay] = process.argv.slice(2);
const lib = openLibrary(dir!, { create: true });
const images = lib.db.prepare('SELECT id AS imageId, sha256, source_path AS sourcePath FROM images ORDER BY id').all() as Array<{
  imageId: number;
  sha256: string;
  sourcePath: string;
}>;
const slow: typeof decodeMany = async (files, s, o) => {
  await new Promise((r) => setTimeout(r, Number(delay)));
  return decodeMany(files, s, o);
};
await decodeCached(lib, images, Number(size), { batchSize: Number(batchSize), decode: slow });
lib.close();
