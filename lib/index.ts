// Package root: the public API (HotStore, its errors and data shapes, the key codec, the
// abstract-level adapter). Everything a user imports comes from here.
export { HotStore } from './store';
export { ReadView } from './read_view';
export { StoreSnapshot } from './snapshot';
export type { ColumnarBatch, KeyColumns } from './columns';
export type { BulkItem, BulkLoadOptions, BulkLoadResult } from './bulk_load';
export { HotStoreError, ERROR_CODES } from './errors';
export type { HotStoreErrorCode } from './errors';
export { encodeKey, decodeKey, encodePrefix, KEY_SIZE, PREFIX_SIZE } from './keys';
export type { DecodedKey } from './keys';
export type {
  IntLike, PointInput, PointKey, TemporalPoint, EntityTimeline, RangeOptions, RangeColumnsOptions, GetManyOptions, AsOfOptions, ManyAsOfOptions, AsOfColumns, LatestAllOptions, PointBatch, RangeColumns, HotStoreOptions,
  SpaceInfo, StoreStats, ColumnFamilyStats, VerifyReport, VerifyIssue, VerifyIssueKind, VerifyOptions, RepairOptions, TimelineSummary,
  SalvageReport, WalDrop, RebuildReport,
} from './types';
export { HotStoreLevel } from './level';
export type { ChangeRecord, Change, ChangesOptions, FeedColumnFamily, FeedOperation } from './change_feed';
export type { TemporalStore } from './temporal_store';
export { RedisClusterStore } from './cluster/store';
export type { ClusterStoreOptions } from './cluster/connect';
export type { ClusterStats, ClusterNodeStats } from './cluster/listing';
export type { HotStoreLevelOptions } from './level';
