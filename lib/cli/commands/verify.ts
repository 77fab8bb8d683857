// `cvx-hot verify` and `cvx-hot repair`: the consistency scan and its report, as text or JSON.
import { Command, Option } from 'commander';
import type { VerifyReport } from '../../types';
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

export function repairCommand(): Command {
  return storeCommand('repair', 'rewrite wrong or missing timelines from the vectors and delete orphans')
    .option('--drop-undecodable', 'also delete undecodable vectors and wrong-length keys (default: report only)')
    .addOption(maxIssuesOption())
    .option('--json', 'the whole report as JSON')
    .action(async (db: string, o) => {
      const report = await withStore(db, 'write', (s) => s.repair({ maxIssues: o.maxIssues, dropUndecodable: !!o.dropUndecodable }));
      printVerify(report, !!o.json, true);
    });
}
