// An async get that memory alone can answer (memtable, block cache, a bloom filter saying
// absent) settles without the libuv pool; one that needs the disk still goes through it
// (native/job.h, TryInline). Proven with the pool's only thread held by a long pbkdf2.
import { runChild } from './helpers/child';
import { tempPath } from './helpers/tmp';

test('with the pool busy, gets answered from memory settle first and a disk read waits its turn', async () => {
  const r = await runChild('inline_gets.ts', [tempPath('inline')], [], 60_000, {
    env: { ...process.env, UV_THREADPOOL_SIZE: '1' },
  });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const order = r.stdout.trim().split(' ');
  const at = (what: string) => order.findIndex((o) => o.startsWith(`${what}:`));
  const firstPool = at('pbkdf2');
  expect(order).toContain('memtable:[7,8,9]');
  expect(order).toContain('absent:undefined');
  expect(order).toContain('disk:[1,2,3]');
  expect(order).toContain('cached:[1,2,3]');
  expect(at('memtable')).toBeLessThan(firstPool);
  expect(at('absent')).toBeLessThan(firstPool);
  expect(at('disk')).toBeGreaterThan(firstPool);
  // the second pbkdf2 is the last entry; the now-cached get settled before it
  expect(at('cached')).toBeLessThan(order.length - 1);
  expect(order[order.length - 1]).toBe('pbkdf2:"pool"');
});
