// Running the built cvx-hot as a child process, as a user would: arguments, stdin, and the
// exit code with everything it printed; and a shell line for pipes, FIFOs and `| head`.
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { CLI } from './dist';
import { tempPath } from './tmp';

export interface Run { code: number | null; stdout: string; stderr: string; }

/** Runs `cvx-hot args…` with `input` on its stdin (empty when not given). */
export function cli(args: string[], input?: string | Buffer, env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env } });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c) => out.push(c));
    child.stderr.on('data', (c) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }));
    child.stdin.on('error', () => undefined); // a command may stop reading early (a refused input): EPIPE here is no failure
    if (input !== undefined) child.stdin.end(input); else child.stdin.end();
  });
}

/** Runs a bash script in which `$CVX` is the command line of cvx-hot; bounded in time. */
export function bash(script: string, timeoutMs = 60_000): Run {
  const r = spawnSync('bash', ['-c', script], {
    encoding: 'utf8',
    timeout: timeoutMs,
    env: { ...process.env, CVX: `${process.execPath} ${CLI}` }, // expanded unquoted: paths without spaces
  });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Writes `content` to a new file `name` in a fresh temporary directory. */
export function writeTemp(name: string, content: string | Buffer): string {
  const file = path.join(path.dirname(tempPath('in')), name);
  fs.writeFileSync(file, content);
  return file;
}

export const ndjson = (rows: object[]) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
