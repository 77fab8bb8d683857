// `cvx-hot get` and `cvx-hot range`: reading the points of one entity.
import { Command, Option } from 'commander';
import { I64_MAX, I64_MIN } from '../../ints';
import { CliError, parseId, parsePositive, parseTimestamp, toJson, withStore } from '../common';
import { PointFormat, PointWriter, print, stdout } from '../output';
import { formatOption, spaceOption, storeCommand } from './options';

export function getCommand(): Command {
  return storeCommand('get', 'print one point as JSON; exit 1 when there is none')
    .argument('<entityId>', 'entity id', parseId)
    .argument('<timestamp>', 'timestamp', parseTimestamp)
    .addOption(spaceOption())
    .action(async (db: string, entityId: number | bigint, timestamp: number | bigint, o) => {
      const p = await withStore(db, 'read', (s) => s.get(entityId, o.space, timestamp));
      if (!p) throw new CliError(`no point for entity ${entityId} in space ${o.space} at ${timestamp}`);
      print(toJson({ entityId: p.entityId, spaceId: o.space, timestamp: p.timestamp, vector: p.vector }));
    });
}

export function rangeCommand(): Command {
  return storeCommand('range', 'print the points of an entity with start <= timestamp <= end')
    .argument('<entityId>', 'entity id', parseId)
    .addOption(spaceOption())
    .addOption(new Option('--start <t>', 'first timestamp (inclusive)').argParser(parseTimestamp))
    .addOption(new Option('--end <t>', 'last timestamp (inclusive)').argParser(parseTimestamp))
    .addOption(new Option('-n, --limit <n>', 'at most n points').argParser(parsePositive))
    .option('-r, --reverse', 'newest first')
    .addOption(formatOption())
    .action(async (db: string, entityId: number | bigint, o) => {
      await withStore(db, 'read', async (s) => {
        const pts = await s.range(entityId, o.space, o.start ?? I64_MIN, o.end ?? I64_MAX, { limit: o.limit, reverse: !!o.reverse });
        const w = new PointWriter(stdout, o.format as PointFormat);
        for (const p of pts) await w.point(p, o.space);
        await w.end();
      });
    });
}
