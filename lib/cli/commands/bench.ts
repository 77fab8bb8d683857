// `cvx-hot bench`: runs benchmarks/run.js in a child process, passing every argument through
// and its exit code back.
import * as fs from 'fs';
import * as path from 'path';
import { spawn } from 'child_process';
import { Command } from 'commander';
import { CliError, EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from '../common';

export function benchCommand(): Command {
  return new Command('bench')
    .description('run the benchmarks (node benchmarks/run.js), passing every argument through')
    .argument('[args...]', 'arguments for benchmarks/run.js (put them after -- when they look like options)')
    .allowUnknownOption()
    .helpOption('-h, --help', 'this help (run `cvx-hot bench -- --help` for the benchmark options)')
    .action(async (args: string[]) => {
      // CVX_BENCH_SCRIPT points elsewhere (tests use it to check the passthrough).
      const script = process.env.CVX_BENCH_SCRIPT ?? path.join(__dirname, '..', '..', '..', 'benchmarks', 'run.js');
      if (!fs.existsSync(script)) throw new CliError(`${script} not found: the benchmarks ship with the source repository`);
      const code = await new Promise<number>((resolve, reject) => {
        const child = spawn(process.execPath, [script, ...args], { stdio: 'inherit' });
        child.on('error', reject);
        child.on('exit', (c, signal) => resolve(c ?? (signal ? EXIT_FAILURE : EXIT_OK)));
      });
      if (code !== 0) throw new CliError(`benchmarks exited with code ${code}`, code === EXIT_USAGE ? EXIT_USAGE : EXIT_FAILURE);
    });
}
