// A follower beside the replication test's writer (children/feed_writer.ts): opens the store at
// argv[2] as a follower, and until argv[3] seconds have passed catches up and checks the whole
// view with verify() (every timeline equal to its vectors: a batch seen in part would leave a
// timeline disagreeing with them), then prints one JSON line: rounds, views checked, problems.
import { HotStore } from '../../lib';

async function main() {
  const [dir, secondsText] = process.argv.slice(2);
  const f = await HotStore.open(dir, { follower: true });
  const problems: string[] = [];
  let rounds = 0;
  let checked = 0;
  for (const end = Date.now() + Number(secondsText) * 1000; Date.now() < end; rounds++) {
    try {
      await f.catchUp();
      const r = await f.verify();
      checked++;
      if (!r.ok) problems.push(`round ${rounds}: ${JSON.stringify(r.issues.slice(0, 3))}`);
    } catch (e) {
      problems.push(`round ${rounds}: ${(e as { code?: string }).code} ${(e as Error).message}`);
    }
  }
  await f.close();
  process.stdout.write(`${JSON.stringify({ rounds, checked, problems: problems.slice(0, 20), failed: problems.length })}\n`);
}

main().catch((e) => {
  process.stderr.write(`feed follower failed: ${e?.code ?? ''} ${e?.message ?? e}\n`);
  process.exit(1);
});
