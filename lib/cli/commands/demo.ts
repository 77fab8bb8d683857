// `cvx-hot demo`: synthetic trajectories ingested, queried and verified (lib/demo.ts).
import * as path from 'path';
import { Command, Option } from 'commander';
import { runDemo } from '../../demo';
import { parsePositive } from '../common';

export function demoCommand(): Command {
  return new Command('demo')
    .description('ingest synthetic drifting trajectories, query them and verify them after reopening')
    .option('-d, --dir <dir>', 'store directory (replaced)', path.join('data', 'demo'))
    .addOption(new Option('--entities <n>', 'entities').argParser(parsePositive).default(1000))
    .addOption(new Option('--points <n>', 'points per entity').argParser(parsePositive).default(100))
    .addOption(new Option('--dim <n>', 'vector dimension').argParser(parsePositive).default(384))
    .addOption(new Option('-b, --batch <n>', 'points per batch').argParser(parsePositive).default(1000))
    .option('-q, --quiet', 'print nothing')
    .action(async (o) => runDemo({ dir: o.dir, entities: o.entities, points: o.points, dim: o.dim, batch: o.batch, quiet: !!o.quiet }));
}
