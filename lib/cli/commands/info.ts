// `cvx-hot spaces` and `cvx-hot stats`: what a store holds, as tables or (--json) JSON.
import { Command } from 'commander';
import type { HotStore } from '../../store';
import type { SpaceInfo, StoreStats } from '../../types';
import { toJson, withStore } from '../common';
import { bytes, print, stdout, table } from '../output';
import { storeCommand } from './options';

/** A command that reads one report from the store and prints it as text, or as JSON with --json. */
function reportCommand<T>(
  name: string, description: string, jsonHelp: string, read: (s: HotStore) => Promise<T>, asText: (r: T) => string,
): Command {
  return storeCommand(name, description)
    .option('--json', jsonHelp)
    .action(async (db: string, o) => {
      const r = await withStore(db, 'read', read);
      if (o.json) return void print(toJson(r, 2));
      stdout.write(asText(r));
    });
}

const spacesTable = (spaces: SpaceInfo[]) => table(['space', 'dim', 'entities', 'points'], spaces.map((x) => [x.spaceId, x.dim, x.entities, x.points]));

function statsText(st: StoreStats): string {
  const cfs = Object.entries(st.columnFamilies);
  const b = st.bloom;
  return `store ${st.path}\n\n` +
    table(
      ['column family', 'live data', 'keys (est.)', 'memtables', 'SST files', 'SST bytes', 'compression'],
      cfs.map(([name, c]) => [name, bytes(c.liveDataBytes), c.estimatedKeys, bytes(c.memtableBytes), c.sstFiles, bytes(c.sstBytes), c.compression]),
    ) + '\n' +
    spacesTable(st.spaces) + '\n' +
    table(['bloom filter (since open)', 'count'], [
      ['point lookups answered by whole-key filter', b.useful],
      ['prefix seeks checked', b.prefixChecked],
      ['prefix seeks answered by prefix filter', b.prefixUseful],
    ]);
}

export function spacesCommand(): Command {
  return reportCommand('spaces', 'list spaces with their dimension, entity and point counts', 'JSON instead of a table', (s) => s.spaces(), spacesTable);
}

export function statsCommand(): Command {
  return reportCommand(
    'stats', 'RocksDB statistics: per column family sizes, keys, SST files, compression; bloom filter counters', 'JSON instead of tables',
    (s) => s.stats(), statsText,
  );
}
