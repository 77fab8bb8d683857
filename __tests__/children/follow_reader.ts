// A follower in a process of its own, beside the busy writer (busy_writer.ts): opens the store
// at argv[2] with follower: true, catches up and checks every read (helpers/busy.ts
// problemsOf) until argv[3] seconds have passed, then prints one JSON line: the rounds, the
// batches it last saw, and every problem (each batch whole or absent, timelines equal to the
// vectors, never fewer batches than the catch-up before).
import { HotStore } from '../../lib';
import { problemsOf } from '../helpers/busy';
import { SPACE } from './busy_protocol';

async function main() {
  const [dir, secondsText] = process.argv.slice(2);
  const f = await HotStore.open(dir, { follower: true });
  const problems: string[] = [];
  let rounds = 0;
  let seen = 0;
  for (const end = Date.now() + Number(secondsText) * 1000; Date.now() < end; rounds++) {
    try {
      await f.catchUp();
      for (const p of await problemsOf(f, -1)) problems.push(`round ${rounds}: ${p}`);
      const v = f.getTimelineSync(0, SPACE)?.pointCount ?? 0;
      if (v < seen) problems.push(`round ${rounds}: went back from ${seen} to ${v} batches`);
      seen = v;
    } catch (e) {
      problems.push(`round ${rounds}: ${(e as { code?: string }).code} ${(e as Error).message}`);
    }
  }
  await f.close();
  process.stdout.write(`${JSON.stringify({ rounds, seen, problems: problems.slice(0, 20), failed: problems.length })}\n`);
}

main().catch((e) => {
  process.stderr.write(`follow reader failed: ${e?.code ?? ''} ${e?.message ?? e}\n`);
  process.exit(1);
});
