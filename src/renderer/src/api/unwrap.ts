import type { RequestName, Result } from '../../../shared/contract';

/** A request that reached the host and was refused (bad input, missing file, …); `message` is for people. */
export class ApiError extends Error {
  constructor(
    readonly request: RequestName,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Results cross process boundaries as data; the renderer's code gets a value or a thrown ApiError. */
export function unwrap<T>(name: RequestName, result: Result<T> | undefined | null): T {
  if (!result || typeof result !== 'object' || !('ok' in result)) throw new ApiError(name, `${name}: malformed reply from the host`);
  if (result.ok) return result.value;
  throw new ApiError(name, result.error);
}
