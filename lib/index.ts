// Package root: the public API of SPEC §3.
export { HotStore } from './store';
export type { ColumnarBatch, KeyColumns } from './store';
export { HotStoreError, ERROR_CODES } from './errors';
export type { HotStoreErrorCode } from './errors';
export { encodeKey, decodeKey, encodePrefix, KEY_SIZE, PREFIX_SIZE } from './keys';
export type { DecodedKey } from './keys';
export type {
  IntLike, PointInput, PointKey, TemporalPoint, EntityTimeline, RangeOptions, RangeColumnsOptions, GetManyOptions, RangeColumns, HotStoreOptions,
  SpaceInfo, StoreStats, ColumnFamilyStats,
} from './types';
export { HotStoreLevel } from './level';
export type { HotStoreLevelOptions } from './level';
export type { VerifyReport, VerifyIssue, VerifyIssueKind, VerifyOptions, RepairOptions, TimelineSummary } from './verify';
