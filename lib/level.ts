// abstract-level 3 adapter: a key-value view of one column family of a HotStore, sharing
// its RocksDB instance. All reads and writes go through the shim's raw functions, which
// also hold the store's invariants: `default` minus its reserved `cvx:` namespace is the
// only writable keyspace, and `vectors` / `timelines` open read-only.
import * as fs from 'fs';
import * as path from 'path';
import { AbstractIterator, AbstractKeyIterator, AbstractLevel, AbstractValueIterator } from 'abstract-level';
import { ColumnFamilyName, flags, native, NativeHandle, NativeIterator, NativeRangeOptions } from './binding';
import { invalidArgument, makeError, storeClosed } from './errors';
import { HotStore } from './store';
import { checkBoolean, checkOptionsObject, checkPath } from './validate';
import type { HotStoreOptions } from './types';

const COLUMN_FAMILIES: readonly ColumnFamilyName[] = ['default', 'vectors', 'timelines'];
/** First and largest native batch an iterator fetches; it grows from the first to the last. */
const FIRST_BATCH = 16;
const MAX_BATCH = 1000;
const MAX_BATCH_BYTES = 4 << 20;

/** Options of {@link HotStoreLevel}: abstract-level's own plus which column family to expose. */
export interface HotStoreLevelOptions {
  /** Column family to expose. Default `default`. `vectors` and `timelines` require `readOnly: true`. */
  columnFamily?: ColumnFamilyName;
  /** Refuse writes through this adapter (CVX_READ_ONLY). Default false. */
  readOnly?: boolean;
  /** When the adapter opens its own store from a path: the HotStore options used. */
  store?: Omit<HotStoreOptions, 'createIfMissing' | 'readOnly'>;
  keyEncoding?: string;
  valueEncoding?: string;
  [k: string]: unknown;
}

type Range = { gt?: unknown; gte?: unknown; lt?: unknown; lte?: unknown; reverse?: boolean; limit?: number };
type Enc = { keyEncoding?: string; valueEncoding?: string };

/** Values as UTF-8 strings (native flag) when the caller's value encoding is utf8, else Buffers. */
function valueFlags(o: Enc): number {
  return o.valueEncoding === 'utf8' ? flags.valuesAsString : 0;
}

function rangeOf(o: Range): NativeRangeOptions {
  const r: NativeRangeOptions = { reverse: !!o.reverse };
  for (const k of ['gt', 'gte', 'lt', 'lte'] as const) {
    const v = o[k];
    if (v !== undefined) r[k] = v as string | Uint8Array;
  }
  return r;
}

/**
 * One column family of a cvx-storage store as an [abstract-level](https://github.com/Level/abstract-level)
 * database, so the level ecosystem (sublevels, encodings, level-read-stream, …) can keep
 * application metadata next to the vectors, in the same RocksDB instance.
 *
 * `KDefault` / `VDefault` are the key and value types of the chosen default encodings (as in
 * classic-level), e.g. `HotStoreLevel<string, object>` with `valueEncoding: 'json'`.
 *
 * Give it an open {@link HotStore} to share that store (closing the adapter leaves the store
 * open), or a directory path to have the adapter open and close a store of its own.
 *
 * In `default` the keys starting with `cvx:` are the store's own records: writes of such keys
 * fail with CVX_INVALID_ARGUMENT and reads, iterators and clear() do not see them.
 *
 * @example
 * ```ts
 * const store = await HotStore.open('./data/example');
 * const db = new HotStoreLevel<string, object>(store, { valueEncoding: 'json' });
 * await db.put('model:0', { name: 'clip-vit-b32', dim: 512 });
 * for await (const [key, value] of db.iterator({ gte: 'model:', lt: 'model;' })) console.log(key, value);
 * const vectors = new HotStoreLevel<Buffer, Buffer>(store, { columnFamily: 'vectors', readOnly: true, keyEncoding: 'buffer', valueEncoding: 'buffer' });
 * ```
 */
export class HotStoreLevel<KDefault = string, VDefault = string> extends AbstractLevel<string | Buffer | Uint8Array, KDefault, VDefault> {
  /** Column family this adapter exposes. */
  readonly columnFamily: ColumnFamilyName;
  /** True when writes are refused. */
  readonly readOnly: boolean;
  /** The directory of the store. */
  readonly location: string;
  #store: HotStore | undefined;
  readonly #owns: boolean;
  readonly #storeOptions: HotStoreOptions;

  constructor(storeOrLocation: HotStore | string, options: HotStoreLevelOptions = {}) {
    checkOptionsObject(options);
    const cf = options.columnFamily ?? 'default';
    if (!COLUMN_FAMILIES.includes(cf)) throw invalidArgument(`options.columnFamily must be one of ${COLUMN_FAMILIES.join(', ')}, got ${String(cf)}`);
    const readOnly = checkBoolean(options.readOnly, 'options.readOnly', false);
    if (cf !== 'default' && !readOnly) {
      throw makeError(
        'CVX_READ_ONLY',
        `options.columnFamily ${cf} can only be opened with readOnly: true (writes there would bypass timeline upkeep)`,
      );
    }
    const owns = typeof storeOrLocation === 'string';
    if (!owns && !(storeOrLocation instanceof HotStore)) {
      throw invalidArgument('storeOrLocation must be an open HotStore or a directory path');
    }
    if (owns) checkPath(storeOrLocation, 'location');
    if (!owns && options.store !== undefined) {
      throw invalidArgument('options.store only applies when the adapter opens its own store from a path');
    }
    const { columnFamily: _cf, readOnly: _ro, store: storeOptions, ...levelOptions } = options;
    super(
      {
        encodings: { buffer: true, utf8: true },
        seek: true,
        implicitSnapshots: true,
        getSync: true,
        has: true,
        permanence: owns,
        createIfMissing: owns,
        errorIfExists: owns,
      } as never,
      levelOptions as never,
    );
    this.columnFamily = cf;
    this.readOnly = readOnly;
    this.#owns = owns;
    this.#storeOptions = { ...(storeOptions ?? {}) };
    this.#store = owns ? undefined : (storeOrLocation as HotStore);
    this.location = owns ? (storeOrLocation as string) : (storeOrLocation as HotStore).path;
  }

  /** The underlying store (undefined while an adapter that owns its store is closed). */
  get store(): HotStore | undefined {
    return this.#store;
  }

  get #handle(): NativeHandle {
    const s = this.#store;
    if (!s) throw storeClosed();
    return s._handle;
  }

  async _open(options: { createIfMissing: boolean; errorIfExists: boolean }): Promise<void> {
    if (!this.#owns) {
      if (!this.#store!.isOpen) throw makeError('CVX_NOT_OPEN', `the store at ${this.location} is closed`);
      return;
    }
    const exists = fs.existsSync(path.join(this.location, 'CURRENT'));
    if (exists && options.errorIfExists) throw makeError('CVX_INVALID_ARGUMENT', `a store already exists at ${this.location}`);
    if (!exists && !options.createIfMissing) throw makeError('CVX_IO', `the store at ${this.location} does not exist`);
    this.#store = await HotStore.open(this.location, { ...this.#storeOptions, createIfMissing: options.createIfMissing, readOnly: false });
  }

  async _close(): Promise<void> {
    if (!this.#owns) return;
    const s = this.#store;
    this.#store = undefined;
    await s?.close();
  }

  async _get(key: string | Buffer, options: Enc): Promise<string | Buffer | undefined> {
    return native.rawGet(this.#handle, this.columnFamily, key, valueFlags(options));
  }

  _getSync(key: string | Buffer, options: Enc): string | Buffer | undefined {
    return native.rawGetSync(this.#handle, this.columnFamily, key, valueFlags(options));
  }

  async _getMany(keys: Array<string | Buffer>, options: Enc): Promise<Array<string | Buffer | undefined>> {
    return native.rawGet(this.#handle, this.columnFamily, keys, valueFlags(options));
  }

  async _has(key: string | Buffer): Promise<boolean> {
    return (await native.rawGet(this.#handle, this.columnFamily, key, 0)) !== undefined;
  }

  async _hasMany(keys: Array<string | Buffer>): Promise<boolean[]> {
    return (await native.rawGet(this.#handle, this.columnFamily, keys, 0)).map((v) => v !== undefined);
  }

  async _put(key: string | Buffer, value: string | Buffer): Promise<void> {
    this.#assertWritable();
    return native.rawWrite(this.#handle, this.columnFamily, [true], [key], [value]);
  }

  async _del(key: string | Buffer): Promise<void> {
    this.#assertWritable();
    return native.rawWrite(this.#handle, this.columnFamily, [false], [key], [undefined]);
  }

  async _batch(operations: Array<{ type: 'put' | 'del'; key: string | Buffer; value?: string | Buffer }>): Promise<void> {
    this.#assertWritable();
    const puts = operations.map((op) => op.type === 'put');
    return native.rawWrite(this.#handle, this.columnFamily, puts, operations.map((op) => op.key), operations.map((op) => op.value));
  }

  async _clear(options: Range): Promise<void> {
    this.#assertWritable();
    const limit = options.limit === undefined || options.limit < 0 ? 0 : options.limit;
    if (options.limit === 0) return;
    return native.rawClear(this.#handle, this.columnFamily, rangeOf(options), limit);
  }

  _iterator(options: Range & Enc & { keys: boolean; values: boolean }): HotStoreIterator {
    return new HotStoreIterator(this, options, new Batcher(this.#handle, this.columnFamily, options, options.keys, options.values));
  }

  _keys(options: Range & Enc): AbstractKeyIterator<Db, unknown> {
    return new HotStoreKeyIterator(this, options, new Batcher(this.#handle, this.columnFamily, options, true, false));
  }

  _values(options: Range & Enc): AbstractValueIterator<Db, unknown, unknown> {
    return new HotStoreValueIterator(this, options, new Batcher(this.#handle, this.columnFamily, options, false, true));
  }

  #assertWritable(): void {
    if (this.readOnly) throw makeError('CVX_READ_ONLY', `this adapter of the ${this.columnFamily} column family is read-only`);
  }
}

/**
 * The native iterator behind the three iterator kinds: fetches batches that grow from
 * FIRST_BATCH (so a single next() stays cheap) to MAX_BATCH, and buffers them.
 */
// abstract-level clamps the size of _next/_nextv to the limit but not _all, hence the
// `limit - count` there.
class Batcher {
  readonly #handle: NativeHandle;
  readonly #it: NativeIterator;
  readonly #keys: boolean;
  readonly #values: boolean;
  /** What each step asks the shim for (native flags: keys, values, and their encodings). */
  readonly #flags: number;
  #buffer: unknown[] = [];
  #pos = 0;
  #ended = false;
  #batch = FIRST_BATCH;

  constructor(handle: NativeHandle, cf: ColumnFamilyName, options: Range & Enc, keys: boolean, values: boolean) {
    this.#handle = handle;
    // Created now, synchronously, so its snapshot predates any later write.
    this.#it = native.iterator(handle, cf, rangeOf(options));
    this.#keys = keys;
    this.#values = values;
    this.#flags = (keys ? flags.keys : 0) | (values ? flags.values : 0) |
      (options.keyEncoding === 'utf8' ? flags.keysAsString : 0) | valueFlags(options);
  }

  /** Entries per item: 2 for key+value, 1 otherwise. */
  get #width(): number {
    return this.#keys && this.#values ? 2 : 1;
  }

  /** Up to `size` items (each an array of `width` values), fetching when the buffer is empty. */
  async take(size: number): Promise<unknown[][]> {
    const out: unknown[][] = [];
    while (out.length < size) {
      if (this.#pos >= this.#buffer.length) {
        if (this.#ended) break;
        const want = Math.min(Math.max(this.#batch, size - out.length), MAX_BATCH);
        const [flat, ended] = await native.iteratorNext(
          this.#handle, this.#it, want, MAX_BATCH_BYTES, this.#flags,
        );
        this.#buffer = flat;
        this.#pos = 0;
        this.#ended = ended;
        this.#batch = Math.min(this.#batch * 2, MAX_BATCH);
        if (flat.length === 0) break;
      }
      const w = this.#width;
      out.push(this.#buffer.slice(this.#pos, this.#pos + w));
      this.#pos += w;
    }
    return out;
  }

  seek(target: string | Uint8Array): void {
    this.#buffer = [];
    this.#pos = 0;
    this.#ended = false;
    this.#batch = FIRST_BATCH;
    native.iteratorSeek(this.#handle, this.#it, target);
  }

  close(): void {
    native.iteratorClose(this.#it);
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = HotStoreLevel<any, any>;

class HotStoreIterator extends AbstractIterator<Db, unknown, unknown> {
  readonly #b: Batcher;
  readonly #keys: boolean;
  readonly #values: boolean;
  constructor(db: Db, options: Range & Enc & { keys: boolean; values: boolean }, b: Batcher) {
    super(db, options as never);
    this.#b = b;
    this.#keys = options.keys;
    this.#values = options.values;
  }
  #entry(item: unknown[]): [unknown, unknown] {
    if (this.#keys && this.#values) return [item[0], item[1]];
    return this.#keys ? [item[0], undefined] : [undefined, item[0]];
  }
  async _next(): Promise<[unknown, unknown] | undefined> {
    const [item] = await this.#b.take(1);
    return item && this.#entry(item);
  }
  async _nextv(size: number): Promise<Array<[unknown, unknown]>> {
    return (await this.#b.take(size)).map((i) => this.#entry(i));
  }
  async _all(): Promise<Array<[unknown, unknown]>> {
    return (await this.#b.take(this.limit - this.count)).map((i) => this.#entry(i));
  }
  _seek(target: string | Uint8Array): void {
    this.#b.seek(target);
  }
  async _close(): Promise<void> {
    this.#b.close();
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type OneValueBase = new (...args: any[]) => { readonly limit: number; readonly count: number };

/**
 * The key and the value iterator differ only in their abstract-level base class: each item
 * the Batcher yields is one value. (TypeScript's mixin rules need the casts.)
 */
function oneValueIterator<T>(base: new (db: Db, options: never) => T): new (db: Db, options: Range & Enc, b: Batcher) => T {
  const Base = base as unknown as OneValueBase;
  return class extends Base {
    #b: Batcher;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    constructor(...args: any[]) {
      const [db, options, b] = args as [Db, Range & Enc, Batcher];
      super(db, options);
      this.#b = b;
    }
    async _next(): Promise<unknown> {
      const [item] = await this.#b.take(1);
      return item && item[0];
    }
    async _nextv(size: number): Promise<unknown[]> {
      return (await this.#b.take(size)).map((i) => i[0]);
    }
    async _all(): Promise<unknown[]> {
      return (await this.#b.take(this.limit - this.count)).map((i) => i[0]);
    }
    _seek(target: string | Uint8Array): void {
      this.#b.seek(target);
    }
    async _close(): Promise<void> {
      this.#b.close();
    }
  } as unknown as new (db: Db, options: Range & Enc, b: Batcher) => T;
}

const HotStoreKeyIterator = oneValueIterator(AbstractKeyIterator<Db, unknown>);
const HotStoreValueIterator = oneValueIterator(AbstractValueIterator<Db, unknown, unknown>);
