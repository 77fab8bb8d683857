// Memory that cannot be had is an error, never an abort: a range whose result does not fit in
// the address space left to the process fails with CVX_IO in its sync forms as in its async
// ones. The sync forms make their result in JS memory, and Node-API's way of making it aborted
// the process (V8's fatal "Allocation failed - process out of memory"). Run in a child under
// a real RLIMIT_AS (see children/range_oom.ts), since the failure this guards against kills
// the process.
import { runChild } from './helpers/child';
import { tempPath } from './helpers/tmp';

test('ranges too large for the address space left fail with CVX_IO, sync and async, and the process lives on', async () => {
  const dir = tempPath('oom');
  const w = await runChild('range_oom.ts', ['write', dir], [], 120_000);
  expect({ code: w.code, stderr: w.stderr }).toEqual({ code: 0, stderr: '' });
  const r = await runChild('range_oom.ts', ['read', dir], [], 120_000);
  expect({ timedOut: r.timedOut, signal: r.signal, code: r.code, stderr: r.code === 0 ? '' : r.stderr }).toEqual({
    timedOut: false, signal: null, code: 0, stderr: '',
  });
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
  for (const form of ['rangeColumnsSync', 'rangeSync', 'rangeColumns', 'range']) {
    expect({ form, outcome: out[form] }).toEqual({ form, outcome: expect.stringMatching(/^CVX_IO: .*out of memory/) });
  }
  expect(out.smallAfter).toBe(10);
}, 150_000);
