// electron-builder `afterPack` hook: flips the packaged Electron binary's fuses, switches compiled into the
// binary that no environment variable or argument can turn back on. electron-builder signs after this hook, so
// the flipped binary is what gets signed. Runs only when packaging (`npm run dist`); the fuse settings are
// exported so tests can check them as data.
import fuses from '@electron/fuses';

const { FuseV1Options, FuseVersion } = fuses;

export const FUSES = Object.freeze({
  version: FuseVersion.V1,
  // `ELECTRON_RUN_AS_NODE=1 Paddy script.js` would make the (signed, trusted) app binary a plain Node.
  [FuseV1Options.RunAsNode]: false,
  // NODE_OPTIONS=--require=… would inject code into the main process.
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  // --inspect / --inspect-brk would let anyone attach a debugger to the main process.
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  // Refuse an app.asar whose hash differs from the one electron-builder embeds (macOS, Windows).
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  // Load the app only from app.asar (so the integrity check above cannot be bypassed with a loose app/ folder).
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
});

/** The full @electron/fuses config for one platform. */
export function fuseConfig(electronPlatformName) {
  // Flipping fuses breaks a macOS binary's ad-hoc signature, without which Apple silicon refuses to start it.
  const mac = electronPlatformName === 'darwin' || electronPlatformName === 'mas';
  return { ...FUSES, resetAdHocDarwinSignature: mac };
}

export async function afterPack(context) {
  // electron-builder's own helper finds the binary per platform (Paddy.app, Paddy.exe, the Linux executable).
  await context.packager.addElectronFuses(context, fuseConfig(context.electronPlatformName));
}

export default afterPack;
