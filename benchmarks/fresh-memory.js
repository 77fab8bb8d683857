'use strict';
// What a fresh result costs a Node process, with no store involved: copying a result into new JS
// memory each call (what every read of a binding must hand its caller) against copying it into
// one reused buffer (what the C++ limit does). It isolates the part of a read ratio's gap that
// no binding can avoid on this machine (docs/performance.md, "What a fresh result costs").
//
//   node benchmarks/fresh-memory.js                   # 300 KiB: one full-trajectory range
//   node benchmarks/fresh-memory.js --bytes 3072      # 3 KiB: one point's vector
//
// Each mode runs `--rounds` times over `--calls` copies in ABBA order; the figures are medians of
// CPU time per copy and page faults per copy (process.resourceUsage), since faults are what
// separates the modes most on this VM and they vary from round to round.
const args = { bytes: 300 * 1024, calls: 2000, rounds: 8 };
for (let i = 2; i < process.argv.length; i += 2) {
  const k = process.argv[i].replace(/^--/, '');
  if (!(k in args) || process.argv[i + 1] === undefined) {
    throw new Error('usage: fresh-memory.js [--bytes 307200] [--calls 2000] [--rounds 8]');
  }
  args[k] = Number(process.argv[i + 1]);
}

const source = new Uint8Array(args.bytes).map((_, i) => i & 0xff);
const reused = new Uint8Array(args.bytes);
let sink = 0; // read from every result, so no copy can be optimised away

const modes = {
  // Buffer.allocUnsafeSlow: its own uninitialised ArrayBuffer, as the addon's sync range result.
  fresh: () => {
    for (let i = 0; i < args.calls; i++) {
      const out = Buffer.allocUnsafeSlow(args.bytes);
      out.set(source);
      sink += out[i % args.bytes];
    }
  },
  reused: () => {
    for (let i = 0; i < args.calls; i++) {
      reused.set(source);
      sink += reused[i % args.bytes];
    }
  },
};

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

for (const run of Object.values(modes)) run(); // warm-up: JIT, heap growth
const seen = { fresh: { us: [], faults: [] }, reused: { us: [], faults: [] } };
for (let r = 0; r < args.rounds; r++) {
  const order = r % 4 === 0 || r % 4 === 3 ? ['fresh', 'reused'] : ['reused', 'fresh'];
  for (const m of order) {
    const f0 = process.resourceUsage().minorPageFault;
    const c0 = process.cpuUsage();
    modes[m]();
    const c = process.cpuUsage(c0);
    seen[m].us.push((c.user + c.system) / args.calls);
    seen[m].faults.push((process.resourceUsage().minorPageFault - f0) / args.calls);
  }
}
for (const [m, { us, faults }] of Object.entries(seen)) {
  console.log(`${m.padEnd(7)} ${median(us).toFixed(2)} µs per ${args.bytes}-byte copy, ${median(faults).toFixed(1)} page faults per copy` +
    `  (rounds: ${us.map((u) => u.toFixed(1)).join(' ')})`);
}
const f = median(seen.fresh.us), u = median(seen.reused.us);
console.log(`fresh memory costs ${(f - u).toFixed(2)} µs more per copy (${(f / u).toFixed(2)}×)${sink < 0 ? '' : ''}`);
