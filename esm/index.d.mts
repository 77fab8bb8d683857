// Types of the ESM entry point (esm/index.mjs): the same declarations as the CommonJS build.
export * from '../dist/index.js';
import * as cjs from '../dist/index.js';
export default cjs;
