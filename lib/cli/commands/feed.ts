// `cvx-hot follow` and `cvx-hot replicate`: the change feed (HotStore.changes) from the command
// line. Both read the source as a follower, so they run beside its writer (or without one) and
// keep going when the writer restarts. follow prints one NDJSON line per write batch and is
// resumed with --since; replicate keeps a replica in step and resumes from the replica's own
// applied sequence, so either side may be restarted (or killed) at any time; where the feed
// cannot be followed (a gap, a trimmed WAL, a new or half-resynced replica) it resyncs the
// replica from the source's view (HotStore.resyncFrom) and goes on from there.
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

const isBreak = (e: unknown) => ['CVX_FEED_GAP', 'CVX_FEED_TRIMMED'].includes((e as { code?: string }).code ?? '');

/** The replica seeded again from the source's current view (HotStore.resyncFrom); said on stderr. */
async function resync(src: HotStore, dst: HotStore, dstDir: string, why: string): Promise<number> {
  process.stderr.write(`replicate: resyncing ${dstDir} from its source: ${why}\n`);
  const at = await dst.resyncFrom(src);
  process.stderr.write(`replicate: ${dstDir} resynced at sequence ${at}\n`);
  return at;
}

export function replicateCommand(): Command {
  return new Command('replicate')
    .description('keep <dst> an exact replica of <src>: apply its change feed, resuming from the sequence <dst> has applied; a new replica, or a feed that broke (CVX_FEED_GAP, CVX_FEED_TRIMMED), is resynced from <src>\'s current view first')
    .argument('<src>', 'source store directory (read as a follower: its writer may run)')
    .argument('<dst>', 'replica directory (created when missing; write it only through replicate)')
    .addOption(sinceOption('for a replica without an applied sequence seeded from a checkpoint: the checkpoint\'s sequence (default: resync <dst> from <src>)'))
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
      try {
        const known = await dst.appliedSequence();
        // No applied sequence and no --since: a new replica, or one whose resync was killed.
        let applied = known ?? (o.since === undefined ? await resync(src, dst, dstDir, 'it has no applied sequence') : Number(o.since));
        const done = () => o.until !== undefined && BigInt(applied) >= BigInt(o.until);
        while (!done() && !stop.signal.aborted) {
          try {
            for await (const r of src.changes({ since: applied, follow: o.wait, pollMs: o.pollMs, signal: stop.signal })) {
              applied = await dst.applyChanges(r);
              if (done()) break;
            }
            break;
          } catch (e) {
            if (!isBreak(e)) throw e;
            applied = await resync(src, dst, dstDir, `${(e as Error).message} (${(e as { code: string }).code})`);
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
