// `cvx-hot spaces` and `cvx-hot stats`: what a store holds, as tables or JSON.
import { Command } from 'commander';
import { toJson, withStore } from '../common';
import type { SpaceInfo } from '../../types';
import { bytes, print, stdout, table } from '../output';

const spacesTable = (spaces: SpaceInfo[]) => table(['space', 'dim', 'entities', 'points'], spaces.map((x) => [x.spaceId, x.dim, x.entities, x.points]));

export function spacesCommand(): Command {
  return new Command('spaces')
    .description('list spaces with their dimension, entity and point counts')
    .argument('<db>', 'store directory')
    .option('--json', 'JSON instead of a table')
    .action(async (db: string, o) => {
      const spaces = await withStore(db, 'read', (s) => s.spaces());
      if (o.json) return void print(toJson(spaces, 2));
      stdout.write(spacesTable(spaces));
    });
}

export function statsCommand(): Command {
  return new Command('stats')
    .description('RocksDB statistics: per column family sizes, keys, SST files, compression; bloom filter counters')
    .argument('<db>', 'store directory')
    .option('--json', 'JSON instead of tables')
    .action(async (db: string, o) => {
      const st = await withStore(db, 'read', (s) => s.stats());
      if (o.json) return void print(toJson(st, 2));
      const cfs = Object.entries(st.columnFamilies);
      stdout.write(`store ${st.path}\n\n`);
      stdout.write(table(
        ['column family', 'live data', 'keys (est.)', 'memtables', 'SST files', 'SST bytes', 'compression'],
        cfs.map(([name, c]) => [name, bytes(c.liveDataBytes), c.estimatedKeys, bytes(c.memtableBytes), c.sstFiles, bytes(c.sstBytes), c.compression]),
      ));
      stdout.write('\n');
      stdout.write(spacesTable(st.spaces));
      stdout.write('\n');
      const b = st.bloom;
      stdout.write(table(['bloom filter (since open)', 'count'], [
        ['point lookups answered by whole-key filter', b.useful],
        ['prefix seeks checked', b.prefixChecked],
        ['prefix seeks answered by prefix filter', b.prefixUseful],
      ]));
    });
}
