// ESM entry point (package.json "exports" → import): re-exports the CommonJS build, so both
// `import` and `require` share one module instance and one loaded addon. The list must match
// lib/index.ts's value exports (__tests__/package_install.test.ts compares them).
import cjs from '../dist/index.js';

export const {
  HotStore,
  ReadView,
  StoreSnapshot,
  HotStoreError,
  ERROR_CODES,
  encodeKey,
  decodeKey,
  encodePrefix,
  KEY_SIZE,
  PREFIX_SIZE,
  HotStoreLevel,
  RedisClusterStore,
} = cjs;
export default cjs;
