// `cvx-hot compact` and `cvx-hot checkpoint`: compaction, and a consistent copy of a store.
import { Command } from 'commander';
import { withStore } from '../common';
import { print } from '../output';
import { storeCommand } from './options';

export function compactCommand(): Command {
  return storeCommand('compact', 'full manual compaction: reclaim space of deleted points and range tombstones')
    .action(async (db: string) => {
      const t0 = performance.now();
      await withStore(db, 'write', (s) => s.compact());
      print(`compacted ${db} in ${((performance.now() - t0) / 1000).toFixed(2)} s`);
    });
}

export function checkpointCommand(): Command {
  return storeCommand('checkpoint', 'write a consistent, openable copy of the store to a new directory')
    .argument('<dir>', 'target directory (must not exist)')
    .action(async (db: string, dir: string) => {
      const { sequence } = await withStore(db, 'write', (s) => s.checkpoint(dir));
      print(`checkpoint of ${db} written to ${dir} (sequence ${sequence}: replicate --since ${sequence} resumes a replica made from it)`);
    });
}
