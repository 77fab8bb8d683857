// The progress bar of the long-running commands (ingest/import, state): drawn on stderr only
// when asked for and stderr is a terminal, so piped or logged output never holds bar frames.
import { SingleBar } from 'cli-progress';

/** Where a bar may be drawn. */
export type BarStream = NodeJS.WritableStream & { isTTY?: boolean };

/**
 * A started bar labelled `label`, counting `{points}` and `{rate}` (points/s): a percentage
 * and ETA against `total`, or only the counts when the total is unknown (0). Undefined when
 * not wanted or `stderr` is no terminal.
 */
export function progressBar(stderr: BarStream, wanted: boolean, label: string, total: number): SingleBar | undefined {
  if (!wanted || !stderr.isTTY) return undefined;
  const bar = new SingleBar({
    stream: stderr,
    format: total ? `${label} [{bar}] {percentage}% | {points} points | {rate} pts/s | ETA {eta_formatted}` : '{points} points | {rate} pts/s',
    hideCursor: true,
    etaBuffer: 50,
  });
  bar.start(total || 1, 0, { points: 0, rate: 0 });
  return bar;
}
