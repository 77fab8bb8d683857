// The conformance suite: every backend-independent case, run against one backend. The two thin
// test files (conformance_embedded.test.ts, conformance_cluster.test.ts) call this with their
// backend; backend.ts lists what can only run embedded, and where that runs.
import type { Backend } from './backend';
import { hostileCases } from './hostile';
import { modelCase } from './model';
import { seedCases } from './seed';
import { timelineCases } from './timelines';

export function conformance(b: Backend, o: { withSync: boolean }): void {
  describe(`the ten tests of the Rust HotStore (${b.name})`, () => seedCases(b));
  describe(`timeline semantics (${b.name})`, () => timelineCases(b));
  describe(`model (${b.name})`, () => modelCase(b, o.withSync));
  describe(`hostile input (${b.name})`, () => hostileCases(b));
}
