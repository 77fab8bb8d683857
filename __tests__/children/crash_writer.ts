// Crash-test child: ingests forever into the store at argv[2] (sync mode per argv[3]) from
// four concurrent lanes, each owning its own entities so per-key order is well defined.
// Before an operation it prints `B <lane> <op>`, after it is acknowledged
// `A <lane> <ns> <result>` (ns: the monotonic clock, which every process of the machine
// shares, so readers can tell which acknowledgements came before they began), with a
// synchronous write(2) so the parent never sees an ack the process did not reach.
// The parent SIGKILLs it at a random moment and checks every acknowledged write survived.
// argv[5] 'park': a failed write (a full disk) prints `F <lane> <code> <message>` and its
// lane stops; a failed open prints `F open …` and the writer waits. 'fail': either exits 3.
import { writeSync } from 'fs';
import { HotStore } from '../../lib';
import { rng } from '../helpers/child';
import { DIMS, ENTITIES_PER_LANE, LANES, Op } from './crash_protocol';

const [dir, mode, seedText, onFailure] = process.argv.slice(2);
const park = onFailure === 'park';
const failed = (where: string, e: unknown) => {
  const err = e as { code?: string; message?: string };
  out(`F ${where} ${err.code} ${String(err.message ?? e).replace(/\n/g, ' ')}`);
  setInterval(() => undefined, 1 << 30); // parked lanes alone would let the process end
  return new Promise<never>(() => undefined); // parked until the parent's SIGKILL
};
const rand = rng(Number(seedText));
const out = (line: string) => writeSync(1, `${line}\n`);
// Math.fround: the value survives JSON and f32 storage exactly, so the parent compares bytes.
const vec = (dim: number) => Array.from({ length: dim }, () => Math.fround(rand() * 2 - 1));
const entity = (lane: number) => lane + LANES * Math.floor(rand() * ENTITIES_PER_LANE);
const ts = () => Math.floor(rand() * 32) - 8; // small domain: overwrites and deletes hit often

function pick(lane: number): Op {
  const space = rand() < 0.7 ? 0 : 1;
  const r = rand();
  if (r < 0.4) return { op: 'put', space, points: [{ e: entity(lane), t: ts(), v: vec(DIMS[space]) }] };
  if (r < 0.7) {
    const n = 1 + Math.floor(rand() * 12); // duplicates inside a batch happen too: last wins
    return { op: 'putMany', space, points: Array.from({ length: n }, () => ({ e: entity(lane), t: ts(), v: vec(DIMS[space]) })) };
  }
  return { op: 'delete', space, e: entity(lane), t: ts() };
}

// Lane 0 uses the *Sync API, the others the promise API: both acknowledge durability.
async function run(store: HotStore, lane: number, op: Op): Promise<unknown> {
  const useSync = lane === 0;
  if (op.op === 'delete') return useSync ? store.deleteSync(op.e, op.space, op.t) : store.delete(op.e, op.space, op.t);
  const pts = op.points.map((p) => ({ entityId: p.e, timestamp: p.t, vector: p.v }));
  if (op.op === 'put') return useSync ? store.putSync(op.space, pts[0]) : store.put(op.space, pts[0]);
  return useSync ? store.putManySync(op.space, pts) : store.putMany(op.space, pts);
}

async function lane(store: HotStore, l: number): Promise<never> {
  for (;;) {
    const op = pick(l);
    out(`B ${l} ${JSON.stringify(op)}`);
    let result: unknown;
    try {
      result = await run(store, l, op);
    } catch (e) {
      if (!park) throw e;
      return failed(String(l), e);
    }
    out(`A ${l} ${process.hrtime.bigint()} ${JSON.stringify(result ?? null)}`);
  }
}

async function main() {
  out('S'); // about to open: the parent may kill us during open or WAL recovery
  let store: HotStore;
  try {
    store = await HotStore.open(dir, { sync: mode === 'sync' });
  } catch (e) {
    if (!park) throw e;
    return failed('open', e);
  }
  out('O');
  await Promise.all(Array.from({ length: LANES }, (_, l) => lane(store, l)));
}

main().catch((e) => {
  process.stderr.write(`crash_writer failed: ${e?.code} ${e?.stack}\n`);
  process.exit(3);
});
