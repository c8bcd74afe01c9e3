// Library images as status + body + headers, shared by the Electron image protocol and the web host's /api/img/ route.
// A request is served only if it names a kind and a numeric id that the library itself resolves to a file
// (through the importer's resolveImageFile); anything else is refused without touching the disk.
import fs from 'node:fs/promises';

export type ImageKind = 'thumb' | 'full';
/** A file to read, bytes already read and verified (a source image, see services/sources.ts), a refusal, or nothing. */
export type ResolvedImage = string | { body: Buffer } | { refused: string } | null;
export type ResolveImage = (kind: ImageKind, imageId: number) => ResolvedImage | Promise<ResolvedImage>;

export type ImageRef = { kind: ImageKind; id: number } | { status: 400 | 403 | 404; reason: string };

/** Parse an image URL strictly. `scheme` is `paddy-img:` in Electron; the web host passes its own parts. */
export function parseImageRef(kind: string, idText: string): ImageRef {
  if (kind !== 'thumb' && kind !== 'full') return { status: 404, reason: `unknown image kind "${kind}"` };
  if (!/^[0-9]{1,15}$/.test(idText)) return { status: 400, reason: `bad image id "${idText}"` };
  const id = Number(idText);
  if (!Number.isSafeInteger(id)) return { status: 400, reason: `bad image id "${idText}"` };
  return { kind, id };
}

const SIGNATURES: Array<[string, (b: Buffer) => boolean]> = [
  ['image/jpeg', (b) => b[0] === 0xff && b[1] === 0xd8],
  ['image/png', (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))],
  ['image/webp', (b) => b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP'],
  ['image/gif', (b) => b.toString('latin1', 0, 4) === 'GIF8'],
  ['image/avif', (b) => b.toString('latin1', 4, 12) === 'ftypavif'],
  ['image/tiff', (b) => ['II*\0', 'MM\0*'].includes(b.toString('latin1', 0, 4))],
  ['image/bmp', (b) => b.toString('latin1', 0, 2) === 'BM'],
];

export function sniffImageType(head: Buffer): string {
  for (const [type, test] of SIGNATURES) if (head.length >= 12 && test(head)) return type;
  return 'application/octet-stream';
}

export interface ImageReply {
  status: number;
  body: Buffer | string;
  headers: Record<string, string>;
}

/** Resolve and read one image; shared by the Electron protocol and the web host's /api/img/ route. */
export async function readImage(ref: ImageRef, resolve: ResolveImage): Promise<ImageReply> {
  const text = (status: number, body: string): ImageReply => ({ status, body, headers: { 'content-type': 'text/plain; charset=utf-8' } });
  if ('status' in ref) return text(ref.status, ref.reason);
  let file: ResolvedImage;
  try {
    file = await resolve(ref.kind, ref.id);
  } catch (e) {
    return text(500, `cannot resolve image ${ref.id}: ${(e as Error).message}`);
  }
  if (!file) return text(404, `no ${ref.kind} for image ${ref.id}`);
  if (typeof file === 'object' && 'refused' in file) return text(404, `image ${ref.id} is not served: ${file.refused}`);
  let body: Buffer;
  if (typeof file === 'object') body = file.body;
  else {
    try {
      body = await fs.readFile(file);
    } catch (e) {
      return text(404, `image ${ref.id} is missing on disk (${(e as NodeJS.ErrnoException).code ?? 'unreadable'})`);
    }
  }
  return {
    status: 200,
    body,
    headers: {
      'content-type': sniffImageType(body.subarray(0, 16)),
      // Thumbnails are content-addressed; full images may change only if the source file does.
      'cache-control': ref.kind === 'thumb' ? 'private, max-age=31536000, immutable' : 'private, no-cache',
      'x-content-type-options': 'nosniff',
    },
  };
}

