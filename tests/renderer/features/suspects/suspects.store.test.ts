// The review view's scan as the Scan and Cancel buttons drive it (suspects.store), against a scripted PaddyApi:
// Cancel asks jobs.cancel once, the scan's cancelled rejection returns the view to idle with "Scan cancelled"
// (not an error) and keeps the previous queue; a real failure still shows as an error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PaddyApi } from '../../../../src/shared/contract';
import type { Suspect } from '../../../../src/shared/types';
import { getApi, provideApi } from '../../../../src/renderer/src/app/api';
import { useApp } from '../../../../src/renderer/src/app/app.store';
import { ApiError } from '../../../../src/renderer/src/api/unwrap';
import { useSuspects } from '../../../../src/renderer/src/features/suspects/suspects.store';
import { cancelScan, scanSuspects } from '../../../../src/renderer/src/features/suspects/suspects.actions';

function scriptedApi() {
  const calls: Array<[string, unknown]> = [];
  let fail: (e: Error) => void = () => undefined;
  const api = {
    'suspects.scan': (input: unknown) => {
      calls.push(['suspects.scan', input]);
      return new Promise((_resolve, reject) => (fail = reject));
    },
    'jobs.cancel': async (input: { name: string }) => {
      calls.push(['jobs.cancel', input]);
      // What every host answers: the pending scan request then rejects with the one cancelled message.
      setTimeout(() => fail(new ApiError('suspects.scan', `${input.name} was cancelled`)), 5);
      return { cancelled: 1 };
    },
  };
  provideApi(api as unknown as PaddyApi);
  return { calls, fail: (message: string) => fail(new ApiError('suspects.scan', message)) };
}

const previous: Suspect[] = [{ imageId: 7, path: '/x/7.jpg', label: 'Arborio', suggested: 'Basmati', score: 0.9, probabilities: {}, kind: 'label' }];

test('Cancel during a scan: one jobs.cancel, back to idle, "Scan cancelled" as a note, the previous queue kept', async () => {
  const api = scriptedApi();
  useSuspects.setState({ list: previous, error: null, scanning: false, cancelling: false, progress: null, cursor: 0 });
  useApp.setState({ toasts: [] });
  const scanning = scanSuspects();
  assert.equal(useSuspects.getState().scanning, true);
  const cancelling = cancelScan();
  assert.equal(useSuspects.getState().cancelling, true, 'the button says Cancelling… at once');
  await cancelScan(); // a second click while cancelling asks nothing more
  await cancelling;
  await scanning;
  assert.deepEqual(api.calls, [['suspects.scan', {}], ['jobs.cancel', { name: 'suspects.scan' }]]);
  const s = useSuspects.getState();
  assert.deepEqual({ scanning: s.scanning, cancelling: s.cancelling, error: s.error }, { scanning: false, cancelling: false, error: null });
  assert.equal(s.list, previous);
  assert.deepEqual(useApp.getState().toasts.map((t) => [t.text, t.kind]), [['Scan cancelled', 'info']]);
});

test('a scan that fails for another reason still shows the error; Cancel when idle asks nothing', async () => {
  const api = scriptedApi();
  useApp.setState({ toasts: [] });
  await cancelScan();
  assert.deepEqual(api.calls, []);
  const scanning = scanSuspects();
  api.fail('weights not found');
  await scanning;
  assert.equal(useSuspects.getState().error, 'weights not found');
  assert.equal(useSuspects.getState().scanning, false);
  assert.deepEqual(useApp.getState().toasts, []);
});

test('Cancel that overtook its scan (not yet in its worker) asks again until it lands', async () => {
  const api = scriptedApi();
  useApp.setState({ toasts: [] });
  const real = getApi()['jobs.cancel'];
  let asked = 0;
  (getApi() as unknown as Record<string, unknown>)['jobs.cancel'] = async (input: { name: 'suspects.scan' }) => (++asked < 3 ? { cancelled: 0 } : real(input));
  const scanning = scanSuspects();
  await cancelScan();
  await scanning;
  assert.equal(asked, 3);
  assert.deepEqual(api.calls.filter(([n]) => n === 'jobs.cancel').length, 1, 'the third ask reached the host that runs it');
  assert.deepEqual({ scanning: useSuspects.getState().scanning, cancelling: useSuspects.getState().cancelling }, { scanning: false, cancelling: false });
  assert.deepEqual(useApp.getState().toasts.map((t) => t.text), ['Scan cancelled']);
});

test('Cancel that finds no running scan while the scan ends anyway stops asking and lets the button be pressed again', async () => {
  const api = scriptedApi();
  let asked = 0;
  (getApi() as unknown as Record<string, unknown>)['jobs.cancel'] = async () => (asked++, { cancelled: 0 });
  const scanning = scanSuspects();
  setTimeout(() => api.fail('stopped by the test'), 200);
  await cancelScan();
  await scanning;
  assert.ok(asked >= 1 && asked <= 3, `asked ${asked} times`);
  assert.equal(useSuspects.getState().cancelling, false);
  assert.equal(useSuspects.getState().scanning, false);
});
