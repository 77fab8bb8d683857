// The one status type every native path returns: a stable CVX_* code plus a message that
// names the argument or carries RocksDB's own status text. Pool-thread code returns these
// instead of throwing, so nothing but the main thread ever creates a JS error.
#pragma once
#include <string>

#include <rocksdb/status.h>

namespace cvx {

enum class Code {
  kOk,
  kInvalidArgument,
  kDimensionMismatch,
  kUnsafeInteger,
  kNotOpen,
  kLocked,
  kReadOnly,
  kCorruption,
  kFormat,
  kIo,
  // The change feed (change_feed.h): the WAL's sequence jumps / no longer holds the start.
  kFeedGap,
  kFeedTrimmed,
};

struct Status {
  Code code = Code::kOk;
  std::string message;

  bool ok() const { return code == Code::kOk; }
  static Status Ok() { return Status(); }
  static Status Make(Code c, std::string msg) { return Status{c, std::move(msg)}; }
  // Maps a RocksDB status onto our codes; `what` says which operation failed.
  static Status FromRocks(const rocksdb::Status& s, const std::string& what);
};

const char* CodeName(Code c);

}  // namespace cvx
