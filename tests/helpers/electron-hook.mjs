// Node module-resolution hook: `electron` resolves to the fake, everything else as usual.
let fakeUrl;
export function initialize(data) {
  fakeUrl = data.fakeUrl;
}
export async function resolve(specifier, context, next) {
  if (specifier === 'electron') return { url: fakeUrl, shortCircuit: true, format: 'module' };
  return next(specifier, context);
}
