// Output of the commands: lines on stdout, points and timelines as json / ndjson / csv, and
// plain tables.
import type { EntityTimeline, TemporalPoint } from '../types';
import { f32, toJson, write } from './common';

/** Where the commands' data goes (errors go to stderr). */
export const stdout = process.stdout;

/** Writes `s` to stdout as one line (adding the newline when it has none). */
export const print = (s: string) => stdout.write(s.endsWith('\n') ? s : s + '\n');

let mustComplete = false;

/**
 * Declares that stdout carries output that is worthless when cut (an export): a closed pipe
 * then fails the command (the command reports it) instead of ending it quietly.
 */
export function stdoutMustComplete(): void {
  mustComplete = true;
}

/** Whether a closed stdout pipe ends the command with exit 0 (`cvx-hot range … | head`). */
export const closedPipeEndsQuietly = (): boolean => !mustComplete;

export type PointFormat = 'json' | 'ndjson' | 'csv';
export const POINT_FORMATS: readonly PointFormat[] = ['json', 'ndjson', 'csv'];

/** Streams points in one of the formats; csv is `entityId,spaceId,timestamp,v0,v1,…`. */
export class PointWriter {
  #first = true;
  constructor(private readonly out: NodeJS.WritableStream, private readonly format: PointFormat) {}

  async point(p: TemporalPoint, spaceId: number): Promise<void> {
    const row = { entityId: p.entityId, spaceId, timestamp: p.timestamp, vector: p.vector };
    if (this.format === 'ndjson') return write(this.out, toJson(row) + '\n');
    if (this.format === 'csv') {
      const head = this.#first ? `entityId,spaceId,timestamp,${Array.from(p.vector, (_, i) => `v${i}`).join(',')}\n` : '';
      this.#first = false;
      return write(this.out, `${head}${p.entityId},${spaceId},${p.timestamp},${Array.from(p.vector, f32).join(',')}\n`);
    }
    await write(this.out, (this.#first ? '[\n' : ',\n') + toJson(row));
    this.#first = false;
  }

  async end(): Promise<void> {
    if (this.format === 'json') await write(this.out, this.#first ? '[]\n' : '\n]\n');
  }
}

/** Streams timelines as json / ndjson / csv. */
export class TimelineWriter {
  #first = true;
  constructor(private readonly out: NodeJS.WritableStream, private readonly format: PointFormat) {}

  async timeline(t: EntityTimeline): Promise<void> {
    if (this.format === 'ndjson') return write(this.out, toJson(t) + '\n');
    if (this.format === 'csv') {
      const head = this.#first ? 'entityId,spaceId,firstSeen,lastSeen,pointCount,keyframeInterval\n' : '';
      this.#first = false;
      return write(this.out, `${head}${t.entityId},${t.spaceId},${t.firstSeen},${t.lastSeen},${t.pointCount},${t.keyframeInterval}\n`);
    }
    await write(this.out, (this.#first ? '[\n' : ',\n') + toJson(t));
    this.#first = false;
  }

  async end(): Promise<void> {
    if (this.format === 'json') await write(this.out, this.#first ? '[]\n' : '\n]\n');
  }
}

/** A plain left/right aligned text table. */
export function table(header: string[], rows: Array<Array<string | number>>): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n') + '\n';
}

/** 1536 → "1.5 KiB". */
export function bytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return i === 0 ? `${n} B` : `${n.toFixed(1)} ${units[i]}`;
}
