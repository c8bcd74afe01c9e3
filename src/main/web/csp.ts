// The one Content-Security-Policy of the studio, sent as a header by the Electron shell and the web host (the
// renderer's index.html carries the same as a meta tag). Only the app's own scripts run; images may come from
// the app, the library image protocol, blob: and data:.
import { IMAGE_SCHEME } from '../../shared/contract';

export function contentSecurityPolicy(): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    // React sets inline style properties through the CSSOM; 'unsafe-inline' also admits style attributes.
    "style-src 'self' 'unsafe-inline'",
    `img-src 'self' ${IMAGE_SCHEME}: blob: data:`,
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-src 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
