#!/usr/bin/env node
// `cvx-hot`: the command-line tool of cvx-storage (package.json bin). Every command has
// --help; exit codes are 0 ok, 1 failure, 2 usage (bad arguments); errors go to stderr and
// data to stdout, so output pipes cleanly into jq, csv tools or another cvx-hot.
import * as fs from 'fs';
import * as path from 'path';
import { spawn } from 'child_process';
import { Command, CommanderError, Option } from 'commander';
import { HotStoreError } from '../errors';
import type { VerifyReport } from '../verify';
import { runDemo } from '../demo';
import {
  CliError, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, describeError, parseId, parsePositive, parseSpace, parseTimestamp,
  toJson, withStore,
} from './common';
import { exportStore } from './export';
import { ingest, InputFormat, openInput } from './ingest';
import { bytes, PointFormat, POINT_FORMATS, PointWriter, table, TimelineWriter } from './output';

const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;

const out = process.stdout;
const print = (s: string) => out.write(s.endsWith('\n') ? s : s + '\n');

const spaceOption = () => new Option('-s, --space <id>', 'embedding space id').argParser(parseSpace).default(0);
const formatOption = () => new Option('-f, --format <format>', 'output format').choices(POINT_FORMATS as string[]).default('json');

function ingestCommand(name: string, description: string, defaultFormat: InputFormat): Command {
  return new Command(name)
    .description(description)
    .argument('<db>', 'store directory (created when missing)')
    .argument('<input>', "input file, or - for stdin")
    .addOption(new Option('-s, --space <id>', 'space of records without spaceId').argParser(parseSpace).default(0))
    .addOption(new Option('--format <format>', 'input format (auto: CBOR by file extension or first byte)').choices(['auto', 'ndjson', 'cbor']).default(defaultFormat))
    .addOption(new Option('-b, --batch <n>', 'points per atomic putMany batch').argParser(parsePositive).default(1000))
    .addOption(new Option('--on-error <mode>', 'on a bad record: stop (after writing the records before it) or skip it').choices(['stop', 'skip']).default('stop'))
    .option('--no-progress', 'no progress bar (it is only drawn when stderr is a terminal)')
    .option('-q, --quiet', 'no summary line')
    .action(async (db: string, input: string, o) => {
      const src = openInput(input);
      const r = await withStore(db, 'write', (store) => ingest(store, src, {
        space: o.space, format: o.format, batch: o.batch, onError: o.onError, progress: o.progress, stderr: process.stderr,
      }));
      if (!o.quiet) {
        const rate = r.seconds > 0 ? Math.round(r.written / r.seconds) : r.written;
        print(`${name}: ${r.written} point${r.written === 1 ? '' : 's'} written${r.skipped ? `, ${r.skipped} bad record${r.skipped === 1 ? '' : 's'} skipped` : ''} in ${r.seconds.toFixed(2)} s (${rate} points/s)`);
      }
    });
}

function printVerify(r: VerifyReport, json: boolean, repairing: boolean): void {
  if (json) return void print(toJson(r, 2));
  print(`${r.vectorsScanned} vectors, ${r.timelinesScanned} timelines, ${r.series} series: ` +
    (r.ok ? 'no issues' : `${r.issueCount} issue${r.issueCount === 1 ? '' : 's'}`));
  for (const i of r.issues) {
    const where = i.entityId === undefined ? i.key.toString('hex') : `entity ${i.entityId} space ${i.spaceId}${i.timestamp === undefined ? '' : ` t=${i.timestamp}`}`;
    print(`  ${i.kind} (${i.columnFamily}) ${where}: ${i.message}`);
  }
  if (r.truncated) print(`  … ${r.issueCount - r.issues.length} more (--max-issues)`);
  if (repairing) {
    const x = r.repaired;
    print(`repaired: ${x.timelinesWritten} timelines written, ${x.timelinesDeleted} deleted, ${x.vectorsDeleted} vectors deleted`);
  }
}

/** The whole command tree; exported for tests of the help texts. */
export function buildProgram(): Command {
  const program = new Command('cvx-hot')
    .description('Inspect, load and maintain cvx-storage hot-tier stores (RocksDB).')
    .version(require('../../package.json').version as string)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .addHelpText('after', '\nExit codes: 0 ok, 1 failure, 2 usage error. Examples: docs/cli.md');

  program.command('demo')
    .description('ingest synthetic drifting trajectories, query them and verify them after reopening')
    .option('-d, --dir <dir>', 'store directory (replaced)', path.join('data', 'demo'))
    .addOption(new Option('--entities <n>', 'entities').argParser(parsePositive).default(1000))
    .addOption(new Option('--points <n>', 'points per entity').argParser(parsePositive).default(100))
    .addOption(new Option('--dim <n>', 'vector dimension').argParser(parsePositive).default(384))
    .addOption(new Option('-b, --batch <n>', 'points per batch').argParser(parsePositive).default(1000))
    .option('-q, --quiet', 'print nothing')
    .action(async (o) => runDemo({ dir: o.dir, entities: o.entities, points: o.points, dim: o.dim, batch: o.batch, quiet: !!o.quiet }));

  program.addCommand(ingestCommand('ingest', 'stream points from NDJSON or a CBOR sequence into a store, in atomic batches', 'auto'));
  program.addCommand(ingestCommand('import', 'load a `cvx-hot export` CBOR sequence (or any ingest input) into a store', 'auto'));

  program.command('export')
    .description('write every point (or one space) as a CBOR sequence, streaming')
    .argument('<db>', 'store directory')
    .argument('[output]', 'output file, or - for stdout', '-')
    .addOption(new Option('-s, --space <id>', 'only this space').argParser(parseSpace))
    .option('-q, --quiet', 'no summary line on stderr')
    .action(async (db: string, output: string, o) => {
      if (output === '-' && out.isTTY) throw new CliError('refusing to write binary CBOR to a terminal; give a file or redirect stdout', EXIT_USAGE);
      const n = await withStore(db, 'read', async (store) => {
        if (output === '-') return exportStore(store, out, o.space);
        const file = fs.createWriteStream(output);
        try {
          return await exportStore(store, file, o.space);
        } finally {
          await new Promise<void>((resolve, reject) => file.end((e?: Error | null) => (e ? reject(e) : resolve())));
        }
      });
      if (!o.quiet) process.stderr.write(`export: ${n} point${n === 1 ? '' : 's'}\n`);
    });

  program.command('get')
    .description('print one point as JSON; exit 1 when there is none')
    .argument('<db>', 'store directory')
    .argument('<entityId>', 'entity id', parseId)
    .argument('<timestamp>', 'timestamp', parseTimestamp)
    .addOption(spaceOption())
    .action(async (db: string, entityId: number | bigint, timestamp: number | bigint, o) => {
      const p = await withStore(db, 'read', (s) => s.get(entityId, o.space, timestamp));
      if (!p) throw new CliError(`no point for entity ${entityId} in space ${o.space} at ${timestamp}`);
      print(toJson({ entityId: p.entityId, spaceId: o.space, timestamp: p.timestamp, vector: p.vector }));
    });

  program.command('range')
    .description('print the points of an entity with start <= timestamp <= end')
    .argument('<db>', 'store directory')
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
        const w = new PointWriter(out, o.format as PointFormat);
        for (const p of pts) await w.point(p, o.space);
        await w.end();
      });
    });

  program.command('timeline')
    .description("print an entity's timeline in a space as JSON; exit 1 when there is none")
    .argument('<db>', 'store directory')
    .argument('<entityId>', 'entity id', parseId)
    .addOption(spaceOption())
    .action(async (db: string, entityId: number | bigint, o) => {
      const tl = await withStore(db, 'read', (s) => s.getTimeline(entityId, o.space));
      if (!tl) throw new CliError(`no timeline for entity ${entityId} in space ${o.space}`);
      print(toJson(tl));
    });

  program.command('entities')
    .description('list every timeline (entity, space, first/last seen, point count), streaming')
    .argument('<db>', 'store directory')
    .addOption(new Option('-s, --space <id>', 'only this space').argParser(parseSpace))
    .addOption(formatOption())
    .action(async (db: string, o) => {
      await withStore(db, 'read', async (s) => {
        const w = new TimelineWriter(out, o.format as PointFormat);
        for await (const tl of s.entities(o.space)) await w.timeline(tl);
        await w.end();
      });
    });

  program.command('spaces')
    .description('list spaces with their dimension, entity and point counts')
    .argument('<db>', 'store directory')
    .option('--json', 'JSON instead of a table')
    .action(async (db: string, o) => {
      const spaces = await withStore(db, 'read', (s) => s.spaces());
      if (o.json) return void print(toJson(spaces, 2));
      out.write(table(['space', 'dim', 'entities', 'points'], spaces.map((x) => [x.spaceId, x.dim, x.entities, x.points])));
    });

  program.command('stats')
    .description('RocksDB statistics: per column family sizes, keys, SST files, compression; bloom filter counters')
    .argument('<db>', 'store directory')
    .option('--json', 'JSON instead of tables')
    .action(async (db: string, o) => {
      const st = await withStore(db, 'read', (s) => s.stats());
      if (o.json) return void print(toJson(st, 2));
      const cfs = Object.entries(st.columnFamilies);
      out.write(`store ${st.path}\n\n`);
      out.write(table(
        ['column family', 'live data', 'keys (est.)', 'memtables', 'SST files', 'SST bytes', 'compression'],
        cfs.map(([name, c]) => [name, bytes(c.liveDataBytes), c.estimatedKeys, bytes(c.memtableBytes), c.sstFiles, bytes(c.sstBytes), c.compression]),
      ));
      out.write('\n');
      out.write(table(['space', 'dim', 'entities', 'points'], st.spaces.map((x) => [x.spaceId, x.dim, x.entities, x.points])));
      out.write('\n');
      const b = st.bloom;
      out.write(table(['bloom filter (since open)', 'count'], [
        ['point lookups answered by whole-key filter', b.useful],
        ['prefix seeks checked', b.prefixChecked],
        ['prefix seeks answered by prefix filter', b.prefixUseful],
      ]));
    });

  program.command('verify')
    .description('check every timeline against its vectors; exit 1 when an issue is found')
    .argument('<db>', 'store directory')
    .addOption(new Option('--max-issues <n>', 'issues listed (all are counted)').argParser(parsePositive).default(100))
    .option('--json', 'the whole report as JSON')
    .action(async (db: string, o) => {
      const report = await withStore(db, 'read', (s) => s.verify({ maxIssues: o.maxIssues }));
      printVerify(report, !!o.json, false);
      if (!report.ok) throw new CliError('', EXIT_FAILURE);
    });

  program.command('repair')
    .description('rewrite wrong or missing timelines from the vectors and delete orphans')
    .argument('<db>', 'store directory')
    .option('--drop-undecodable', 'also delete undecodable vectors and wrong-length keys (default: report only)')
    .addOption(new Option('--max-issues <n>', 'issues listed (all are counted)').argParser(parsePositive).default(100))
    .option('--json', 'the whole report as JSON')
    .action(async (db: string, o) => {
      const report = await withStore(db, 'write', (s) => s.repair({ maxIssues: o.maxIssues, dropUndecodable: !!o.dropUndecodable }));
      printVerify(report, !!o.json, true);
    });

  program.command('compact')
    .description('full manual compaction: reclaim space of deleted points and range tombstones')
    .argument('<db>', 'store directory')
    .action(async (db: string) => {
      const t0 = performance.now();
      await withStore(db, 'write', (s) => s.compact());
      print(`compacted ${db} in ${((performance.now() - t0) / 1000).toFixed(2)} s`);
    });

  program.command('checkpoint')
    .description('write a consistent, openable copy of the store to a new directory')
    .argument('<db>', 'store directory')
    .argument('<dir>', 'target directory (must not exist)')
    .action(async (db: string, dir: string) => {
      await withStore(db, 'write', (s) => s.checkpoint(dir));
      print(`checkpoint of ${db} written to ${dir}`);
    });

  program.command('bench')
    .description('run the benchmarks (node benchmarks/run.js), passing every argument through')
    .argument('[args...]', 'arguments for benchmarks/run.js (put them after -- when they look like options)')
    .allowUnknownOption()
    .helpOption('-h, --help', 'this help (run `cvx-hot bench -- --help` for the benchmark options)')
    .action(async (args: string[]) => {
      // CVX_BENCH_SCRIPT points elsewhere (tests use it to check the passthrough).
      const script = process.env.CVX_BENCH_SCRIPT ?? path.join(__dirname, '..', '..', 'benchmarks', 'run.js');
      if (!fs.existsSync(script)) throw new CliError(`${script} not found: the benchmarks ship with the source repository`);
      const code = await new Promise<number>((resolve, reject) => {
        const child = spawn(process.execPath, [script, ...args], { stdio: 'inherit' });
        child.on('error', reject);
        child.on('exit', (c, signal) => resolve(c ?? (signal ? EXIT_FAILURE : EXIT_OK)));
      });
      if (code !== 0) throw new CliError(`benchmarks exited with code ${code}`, code === EXIT_USAGE ? EXIT_USAGE : EXIT_FAILURE);
    });

  for (const c of program.commands) c.exitOverride().showHelpAfterError('(run with --help for usage)');
  return program;
}

/** Runs the CLI and resolves with the exit code (the process is not exited here). */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT_OK;
  } catch (e) {
    if (e instanceof CommanderError) {
      // commander has already printed the help or the usage error.
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return EXIT_OK;
      return EXIT_USAGE;
    }
    if (e instanceof CliError) {
      if (e.message) process.stderr.write(`cvx-hot: ${e.message}\n`);
      return e.exitCode;
    }
    process.stderr.write(`cvx-hot: ${describeError(e)}\n`);
    return e instanceof HotStoreError && e.code === 'CVX_INVALID_ARGUMENT' ? EXIT_USAGE : EXIT_FAILURE;
  }
}

if (require.main === module) {
  // A closed pipe (`cvx-hot range … | head`) ends the output, not the tool with a stack trace.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(EXIT_OK);
  });
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
