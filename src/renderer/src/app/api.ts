// The PaddyApi the stores, actions and views use. main.tsx provides the real one (IPC or web host, see
// src/renderer/src/api); tests provide one built from the real handlers on a real library. Keeping this seam
// free of DOM types lets node tests run the actions exactly as the UI calls them.
import type { PaddyApi } from '../../../shared/contract';

let current: PaddyApi | null = null;

export function provideApi(api: PaddyApi): void {
  current = api;
}

export function getApi(): PaddyApi {
  if (!current) throw new Error('the studio has no API yet: provideApi() runs before the first render');
  return current;
}

/** URL of a library image for <img src>: paddy-img://… in Electron, /api/img/…?token=… on the web. */
export function imageUrl(kind: 'thumb' | 'full', imageId: number): string {
  return getApi().imageUrl(kind, imageId);
}
