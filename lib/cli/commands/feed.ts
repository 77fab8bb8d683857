// `cvx-hot follow` and `cvx-hot replicate`: the change feed (HotStore.changes) from the command
// line. Both read the source as a follower, so they run beside its writer (or without one) and
// keep going when the writer restarts. follow prints one NDJSON line per write batch and is
// resumed with --since; replicate keeps a replica in step and resumes from the replica's own
// applied sequence, so either side may be restarted (or killed) at any time.
import * as fs from 'fs';
import { Command, Option } from 'commander';
import { HotStore } from '../../index';
import type { ChangeRecord } from '../../change_feed';
import { CliError, EXIT_USAGE, parseId, parsePositive, toJson, write } from '../common';
import { print, stdout } from '../output';

const pollOption = () => new Option('--poll-ms <ms>', 'how often a caught-up feed looks for new writes').argParser(parsePositive).default(50);
const sinceOption = (what: string) => new Option('--since <sequence>', what).argParser(parseId);

/** Whether two paths name one directory (device and inode), whatever their spelling. */
function sameDir(a: string, b: string): boolean {
  try {
    const [x, y] = [fs.statSync(a), fs.statSync(b)];
    return x.dev === y.dev && x.ino === y.ino;
  } catch {
    return false; // one does not exist (yet): not the same
  }
}

/** The feed's explicit ends, said as what to do about them. */
function feedFailure(e: unknown): never {
  const code = (e as { code?: string }).code;
  if (code === 'CVX_FEED_GAP' || code === 'CVX_FEED_TRIMMED') {
    throw new CliError(`${(e as Error).message} (${code}): seed the consumer again from a checkpoint (cvx-hot checkpoint prints its sequence)`);
  }
  throw e;
}

/** Ends a waiting feed on SIGINT / SIGTERM, so the stores close cleanly. */
function stopOnSignals(): { signal: AbortSignal; done: () => void } {
  const ac = new AbortController();
  const stop = () => ac.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return { signal: ac.signal, done: () => (process.off('SIGINT', stop), process.off('SIGTERM', stop)) };
}

/** A record as one NDJSON line: its changes decoded, its batch's bytes in base64. */
export function recordLine(r: ChangeRecord): string {
  return toJson({ sequence: r.sequence, firstSequence: r.firstSequence, changes: r.changes, batch: r.batch.toString('base64') }) + '\n';
}

export function followCommand(): Command {
  return new Command('follow')
    .description('print the store\'s changes as NDJSON, one line per write batch (resume with --since <last sequence printed>)')
    .argument('<db>', 'store directory (read as a follower: its writer may run)')
    .addOption(sinceOption('print the batches after this sequence (default: the store\'s latest: only new writes)'))
    .option('--no-wait', 'exit once caught up instead of waiting for new writes')
    .addOption(pollOption())
    .action(async (db: string, o: { since?: number | bigint; wait: boolean; pollMs: number }) => {
      const src = await HotStore.open(db, { follower: true, bigint: true });
      const stop = stopOnSignals();
      try {
        for await (const r of src.changes({ since: o.since, follow: o.wait, pollMs: o.pollMs, signal: stop.signal })) {
          await write(stdout, recordLine(r));
        }
      } catch (e) {
        feedFailure(e);
      } finally {
        stop.done();
        await src.close();
      }
    });
}

export function replicateCommand(): Command {
  return new Command('replicate')
    .description('keep <dst> an exact replica of <src>: apply its change feed, resuming from the sequence <dst> has applied')
    .argument('<src>', 'source store directory (read as a follower: its writer may run)')
    .argument('<dst>', 'replica directory (created when missing; write it only through replicate)')
    .addOption(sinceOption('for a replica without an applied sequence (seeded from a checkpoint): the checkpoint\'s sequence (default 0)'))
    .addOption(new Option('--until <sequence>', 'exit once the replica has applied this sequence').argParser(parseId))
    .option('--no-wait', 'exit once caught up instead of waiting for new writes')
    .addOption(pollOption())
    .action(async (srcDir: string, dstDir: string, o: { since?: number | bigint; until?: number | bigint; wait: boolean; pollMs: number }) => {
      if (sameDir(srcDir, dstDir)) throw new CliError(`<src> and <dst> are the same directory (${dstDir}): a store cannot replicate into itself`, EXIT_USAGE);
      const src = await HotStore.open(srcDir, { follower: true, bigint: true });
      const dst = await HotStore.open(dstDir, { bigint: true }).catch(async (e) => {
        await src.close();
        throw e;
      });
      const stop = stopOnSignals();
      let applied = (await dst.appliedSequence()) ?? Number(o.since ?? 0);
      try {
        const done = () => o.until !== undefined && BigInt(applied) >= BigInt(o.until);
        if (!done()) {
          for await (const r of src.changes({ since: applied, follow: o.wait, pollMs: o.pollMs, signal: stop.signal })) {
            applied = await dst.applyChanges(r);
            if (done()) break;
          }
        }
        print(`replica ${dstDir} has applied ${srcDir} up to sequence ${applied}`);
      } catch (e) {
        feedFailure(e);
      } finally {
        stop.done();
        await src.close();
        await dst.close();
      }
    });
}
