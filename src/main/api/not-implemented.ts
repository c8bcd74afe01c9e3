/** Placeholder for a handler whose feature has not landed; it fails loudly rather than pretending. */
export function notImplemented(name: string): never {
  throw new Error(`${name} is not implemented yet`);
}
