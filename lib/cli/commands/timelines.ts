// `cvx-hot timeline` and `cvx-hot entities`: one timeline, or every timeline streamed.
import { Command, Option } from 'commander';
import { CliError, parseId, parseSpace, toJson, withStore } from '../common';
import { PointFormat, print, stdout, TimelineWriter } from '../output';
import { formatOption, spaceOption, storeCommand } from './options';

export function timelineCommand(): Command {
  return storeCommand('timeline', "print an entity's timeline in a space as JSON; exit 1 when there is none")
    .argument('<entityId>', 'entity id', parseId)
    .addOption(spaceOption())
    .action(async (db: string, entityId: number | bigint, o) => {
      const tl = await withStore(db, 'read', (s) => s.getTimeline(entityId, o.space));
      if (!tl) throw new CliError(`no timeline for entity ${entityId} in space ${o.space}`);
      print(toJson(tl));
    });
}

export function entitiesCommand(): Command {
  return storeCommand('entities', 'list every timeline (entity, space, first/last seen, point count), streaming')
    .addOption(new Option('-s, --space <id>', 'only this space').argParser(parseSpace))
    .addOption(formatOption())
    .action(async (db: string, o) => {
      await withStore(db, 'read', async (s) => {
        const w = new TimelineWriter(stdout, o.format as PointFormat);
        for await (const tl of s.entities(o.space)) await w.timeline(tl);
        await w.end();
      });
    });
}
