// A minimal process speaking src/shared/worker-protocol.ts, for testing a TrainingHost's process handling
// (start, events, cancel, crash, a worker that ignores cancel) without training anything.
const mode = process.env.PADDY_TEST_WORKER_MODE ?? 'ok';
const send = (m) => process.send(m);
let current = null;
let ticker = null;

process.on('message', (m) => {
  if (m.type === 'start') {
    current = m.runId;
    send({ type: 'event', event: { type: 'phase', runId: m.runId, phase: 'loading', done: 0, total: 1 } });
    if (mode === 'ok') {
      send({ type: 'event', event: { type: 'finished', runId: m.runId, test: { accuracy: 1 }, seconds: { total: 0 } } });
      send({ type: 'exit', runId: m.runId, code: 0 });
      process.exit(0);
    } else if (mode === 'crash') {
      process.exit(3);
    } else {
      // 'cancel' and 'stubborn' keep "training" until told otherwise.
      ticker = setInterval(() => {}, 1000);
    }
  } else if (m.type === 'cancel' || m.type === 'shutdown') {
    if (mode === 'stubborn') return;
    send({ type: 'event', event: { type: 'cancelled', runId: current } });
    clearInterval(ticker);
    process.exit(0);
  }
});
send({ type: 'ready', pid: process.pid });
