// The README's TypeScript examples run as written (against the built package in dist/).
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { tempPath } from './helpers/tmp';

const root = path.join(__dirname, '..');

function tsBlocks(file: string): string[] {
  const text = fs.readFileSync(path.join(root, file), 'utf8');
  return [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
}

function runModule(source: string, cwd: string): { status: number | null; stdout: string; stderr: string } {
  const body = source.replace(/from 'cvx-storage'/g, `from ${JSON.stringify(path.join(root, 'dist'))}`);
  // Imports stay at module level; the rest runs inside an async function so top-level await works.
  const lines = body.split('\n');
  const imports = lines.filter((l) => l.startsWith('import ')).join('\n');
  const rest = lines.filter((l) => !l.startsWith('import ')).join('\n');
  const js = ts.transpileModule(`${imports}\n(async () => {\n${rest}\n})().catch((e) => { console.error(e); process.exit(1); });`, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  }).outputText;
  const file = path.join(cwd, 'example.js');
  fs.writeFileSync(file, js);
  const r = spawnSync(process.execPath, [file], { cwd, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('every ts example in README.md runs as written', () => {
  const blocks = tsBlocks('README.md');
  expect(blocks.length).toBeGreaterThan(0);
  for (const block of blocks) {
    const cwd = tempPath('readme');
    fs.mkdirSync(cwd, { recursive: true });
    const r = runModule(block, cwd);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    // The example wrote a real store where it said it would.
    expect(fs.existsSync(path.join(cwd, 'data', 'example', 'CURRENT'))).toBe(true);
  }
});
