// `cvx-hot asof` and `cvx-hot state`: reads at a moment. asof prints one entity's point at t
// (as `get` prints one point); state streams a whole space's state at t, read through
// HotStore.latestAll, as ndjson / csv / json or as an export that `cvx-hot import` loads.
import { Command, Option } from 'commander';
import type { HotStore } from '../../store';
import type { PointBatch } from '../../types';
import { CliError, parseId, parseTimestamp, parseTolerance, toJson, withStore } from '../common';
import { ExportProgress, ExportWriter } from '../export';
import { exportToStdout, refuseTerminal } from '../export_output';
import { PointFormat, PointWriter, print, stdout } from '../output';
import { progressBar } from '../progress';
import type { Sink } from '../sink';
import { spaceOption, storeCommand } from './options';

export function asofCommand(): Command {
  return storeCommand('asof', "print an entity's point at a moment (the greatest timestamp <= t) as JSON; exit 1 when there is none")
    .argument('<entityId>', 'entity id', parseId)
    .argument('<t>', 'the moment (a timestamp)', parseTimestamp)
    .addOption(spaceOption())
    .addOption(new Option('--tolerance <d>', 'only a point with timestamp >= t - d').argParser(parseTolerance))
    .action(async (db: string, entityId: number | bigint, t: number | bigint, o) => {
      const options = o.tolerance === undefined ? undefined : { tolerance: o.tolerance as number | bigint };
      const p = await withStore(db, 'read', (s) => s.getAsOf(entityId, o.space, t, options));
      if (!p) {
        const within = options ? ` within ${options.tolerance}` : '';
        throw new CliError(`no point for entity ${entityId} in space ${o.space} at or before ${t}${within}`);
      }
      print(toJson({ entityId: p.entityId, spaceId: o.space, timestamp: p.timestamp, vector: p.vector }));
    });
}

type StateFormat = PointFormat | 'export';
const STATE_FORMATS: readonly StateFormat[] = ['ndjson', 'csv', 'json', 'export'];

export function stateCommand(): Command {
  return storeCommand('state', "write a space's state at a moment: each entity's point with the greatest timestamp <= --at, in entity order")
    .addOption(spaceOption())
    .addOption(new Option('--at <t>', 'the moment (default: the latest point of each entity)').argParser(parseTimestamp))
    .addOption(new Option('-f, --format <format>', 'output format; export is the CBOR sequence `cvx-hot import` loads').choices(STATE_FORMATS as string[]).default('ndjson'))
    .option('--no-progress', 'no progress bar (it is only drawn when stderr is a terminal)')
    .action(async (db: string, o) => {
      const format = o.format as StateFormat;
      if (format === 'export') refuseTerminal();
      await withStore(db, 'read', async (store) => {
        const bar = new StateBar(store, o.space, o.progress);
        await bar.start();
        const batches = withProgress(store.latestAll(o.space, { at: o.at }), bar);
        let done = false;
        try {
          if (format === 'export') await exportState(batches, o.space);
          else await writeState(batches, o.space, format);
          done = true;
        } finally {
          bar.stop(done);
        }
      });
    });
}

/** The state as ndjson / csv / json rows on stdout. */
async function writeState(batches: AsyncIterable<PointBatch>, space: number, format: PointFormat): Promise<void> {
  const w = new PointWriter(stdout, format);
  for await (const b of batches) {
    for (let i = 0; i < b.count; i++) {
      await w.point({ entityId: b.entityIds[i], timestamp: b.timestamps[i], vector: b.vectors.subarray(i * b.dim, (i + 1) * b.dim) }, space);
    }
  }
  await w.end();
}

/** The state as an export on stdout: what `cvx-hot import` verifies and loads. */
async function exportState(batches: AsyncIterable<PointBatch>, space: number): Promise<void> {
  const progress: ExportProgress = { points: 0 };
  await exportToStdout(progress, async (sink: Sink) => {
    const w = new ExportWriter(sink, progress);
    await w.begin();
    for await (const b of batches) {
      for (let i = 0; i < b.count; i++) await w.point(b.entityIds[i], space, b.timestamps[i], b.vectors.slice(i * b.dim, (i + 1) * b.dim));
    }
    await w.end();
  });
}

/**
 * The bar of a state: the points written against the space's entity count, an upper bound
 * (entities with no point at or before --at are skipped, so it may end short and jump to 100%).
 */
class StateBar {
  #bar: ReturnType<typeof progressBar>;
  #points = 0;
  #t0 = performance.now();

  constructor(private readonly store: HotStore, private readonly space: number, private readonly wanted: boolean) {}

  async start(): Promise<void> {
    if (!this.wanted || !process.stderr.isTTY) return;
    const entities = (await this.store.spaces()).find((s) => s.spaceId === this.space)?.entities ?? 0;
    this.#bar = progressBar(process.stderr, true, 'state', entities);
  }

  add(n: number): void {
    this.#points += n;
    const s = (performance.now() - this.#t0) / 1000;
    this.#bar?.update(this.#points, { points: this.#points, rate: s > 0 ? Math.round(this.#points / s) : 0 });
  }

  /** Ends the bar: at 100% when the state was written whole, where it stopped otherwise. */
  stop(done: boolean): void {
    if (!this.#bar) return;
    if (done) this.#bar.update(this.#bar.getTotal(), { points: this.#points });
    this.#bar.stop();
  }
}

async function* withProgress(batches: AsyncIterable<PointBatch>, bar: StateBar): AsyncGenerator<PointBatch> {
  for await (const b of batches) {
    yield b;
    bar.add(b.count);
  }
}
