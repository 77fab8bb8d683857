// Spawning child Node processes that run a TypeScript script from __tests__/children
// (through ts-hook.js), for the tests whose subject may crash, hang or be killed.
import { spawn, ChildProcess, SpawnOptions } from 'child_process';
import * as path from 'path';

export const CHILDREN = path.join(__dirname, '..', 'children');
const HOOK = path.join(CHILDREN, 'ts-hook.js');

/** Starts `node [nodeArgs] -r ts-hook <script> ...args`. */
export function spawnChild(script: string, args: string[], nodeArgs: string[] = [], opts: SpawnOptions = {}): ChildProcess {
  return spawn(process.execPath, [...nodeArgs, '-r', HOOK, path.join(CHILDREN, script), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    ...opts,
  });
}

export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** Runs a child to completion (killing it after `timeoutMs`, reported as timedOut). */
export function runChild(
  script: string,
  args: string[] = [],
  nodeArgs: string[] = [],
  timeoutMs = 60_000,
  opts: SpawnOptions = {},
): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawnChild(script, args, nodeArgs, opts);
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut });
    });
  });
}

/** A small deterministic PRNG (mulberry32), so a failing seed can be replayed. */
export { mulberry32 as rng } from '../../lib/prng';
