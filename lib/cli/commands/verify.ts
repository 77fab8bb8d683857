// `cvx-hot verify` and `cvx-hot repair`: the consistency scan and its report, as text or JSON.
import { Command, Option } from 'commander';
import { HotStore } from '../../index';
import type { RebuildReport, SalvageReport, VerifyReport } from '../../types';
import { CliError, EXIT_FAILURE, parsePositive, toJson, withStore } from '../common';
import { print } from '../output';
import { storeCommand } from './options';

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

const maxIssuesOption = () => new Option('--max-issues <n>', 'issues listed (all are counted)').argParser(parsePositive).default(100);

export function verifyCommand(): Command {
  return storeCommand('verify', 'check every timeline against its vectors; exit 1 when an issue is found')
    .addOption(maxIssuesOption())
    .option('--json', 'the whole report as JSON')
    .action(async (db: string, o) => {
      const report = await withStore(db, 'read', (s) => s.verify({ maxIssues: o.maxIssues }));
      printVerify(report, !!o.json, false);
      if (!report.ok) throw new CliError('', EXIT_FAILURE);
    });
}

function printRebuild(r: RebuildReport): void {
  print(`rebuilt from ${r.tableFiles} table file${r.tableFiles === 1 ? '' : 's'} and ${r.walFiles} WAL file${r.walFiles === 1 ? '' : 's'}: ` +
    `${r.vectors} vectors in ${r.series} series; ${r.issuesFound} timeline issue${r.issuesFound === 1 ? '' : 's'} repaired ` +
    `(${r.timelinesWritten} written, ${r.timelinesDeleted} deleted)`);
  if (r.lost.length > 0) print(`  moved aside (in the store's folder): ${r.lost.join(', ')}`);
}

function printSalvage(r: SalvageReport): void {
  print(`salvaged: the WAL was damaged; ${r.droppedBytes} bytes skipped (the points they held are lost):`);
  for (const d of r.drops) print(`  ${d.file}: ${d.bytes} bytes, ${d.reason}`);
  print(`  ${r.issuesFound} timeline${r.issuesFound === 1 ? '' : 's'} then disagreed with the vectors kept: ${r.timelinesWritten} rewritten, ${r.timelinesDeleted} deleted`);
}

export function repairCommand(): Command {
  return storeCommand('repair', 'open a damaged store anyway (salvage a damaged WAL, or --rebuild a damaged MANIFEST), ' +
    'rewrite wrong or missing timelines from the vectors and delete orphans')
    .option('--rebuild', 'first rebuild the store from its table and WAL files (for "the MANIFEST is damaged")')
    .option('--drop-undecodable', 'also delete undecodable vectors and wrong-length keys (default: report only)')
    .addOption(maxIssuesOption())
    .option('--json', 'the whole report as JSON')
    .action(async (db: string, o) => {
      const rebuilt = o.rebuild ? await HotStore.rebuild(db) : undefined;
      let salvaged: SalvageReport | undefined;
      const report = await withStore(db, 'write', (s) => {
        salvaged = s.salvaged;
        return s.repair({ maxIssues: o.maxIssues, dropUndecodable: !!o.dropUndecodable });
      }, undefined, { salvage: true });
      if (o.json) return void print(toJson({ ...report, rebuilt, salvaged }, 2));
      if (rebuilt) printRebuild(rebuilt);
      if (salvaged) printSalvage(salvaged);
      printVerify(report, false, true);
    });
}
