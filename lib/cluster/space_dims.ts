// One dimension per space, cluster-wide. A space's dimension lives in a key of its own (its own
// slot, so no series script can read it): the first write to a space fixes it with SET NX before
// any of its points is written, WAIT-ed like a write when durability asks. It never changes
// after, so clients cache it for good. Racing first writers in several processes all go through
// the same SET NX; exactly one value wins and every other writer reads it back.
import type { Cluster } from 'ioredis';
import { makeError } from '../errors';
import { waitReplicas } from './durable';
import { spaceKey } from './keys';

export class SpaceDims {
  readonly #known = new Map<number, number>();
  readonly #pending = new Map<number, Promise<number>>();

  constructor(
    private readonly client: Cluster,
    private readonly prefix: string,
    private readonly replicas: number,
    private readonly timeoutMs: number,
  ) {}

  /** A space's fixed dimension: from the cache, else the cluster; 0 when the space is new. */
  async read(space: number): Promise<number> {
    const known = this.#known.get(space) ?? (await this.#pending.get(space));
    if (known !== undefined) return known;
    const got = await this.client.get(spaceKey(this.prefix, space));
    const dim = got === null ? 0 : Number(got);
    if (dim > 0) this.#known.set(space, dim);
    return dim;
  }

  /**
   * Checks a write of dimension `dim` against the space, fixing the space's dimension first when
   * it is new; CVX_DIMENSION_MISMATCH (naming `who`) when the space holds another dimension.
   */
  async check(space: number, dim: number, who: string): Promise<void> {
    if (this.checkCached(space, dim, who)) return;
    let p = this.#pending.get(space);
    if (!p) {
      p = this.#fix(space, dim).finally(() => this.#pending.delete(space));
      this.#pending.set(space, p);
    }
    await p;
    this.checkCached(space, dim, who);
  }

  /**
   * {@link SpaceDims.check} without waiting, when the dimension is cached: true when it matches
   * (CVX_DIMENSION_MISMATCH when not), false when unknown. A write that needs no wait is sent in
   * the same tick as it was called, so writes stay in call order on their connection.
   */
  checkCached(space: number, dim: number, who: string): boolean {
    const fixed = this.#known.get(space);
    if (fixed === undefined) return false;
    if (fixed !== dim) {
      throw makeError('CVX_DIMENSION_MISMATCH', `${who} has dimension ${dim} but space ${space} holds vectors of dimension ${fixed}`);
    }
    return true;
  }

  /** The pending first write of a space, if any: later writes to it wait so they stay in call order. */
  gate(space: number): Promise<number> | undefined {
    return this.#pending.get(space);
  }

  async #fix(space: number, dim: number): Promise<number> {
    const key = spaceKey(this.prefix, space);
    // SET NX GET (Redis 7): sets the value when absent and answers what was there, in one step.
    const before = (await this.client.call('SET', key, String(dim), 'NX', 'GET')) as string | null;
    if (before === null) await waitReplicas(this.client, key, this.replicas, this.timeoutMs);
    const fixed = before === null ? dim : Number(before);
    this.#known.set(space, fixed);
    return fixed;
  }
}
