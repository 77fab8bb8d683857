// Translation of RocksDB statuses into CVX_* codes (see status.h).
#include "status.h"

namespace cvx {

const char* CodeName(Code c) {
  switch (c) {
    case Code::kOk: return "OK";
    case Code::kInvalidArgument: return "CVX_INVALID_ARGUMENT";
    case Code::kDimensionMismatch: return "CVX_DIMENSION_MISMATCH";
    case Code::kUnsafeInteger: return "CVX_UNSAFE_INTEGER";
    case Code::kNotOpen: return "CVX_NOT_OPEN";
    case Code::kLocked: return "CVX_LOCKED";
    case Code::kReadOnly: return "CVX_READ_ONLY";
    case Code::kCorruption: return "CVX_CORRUPTION";
    case Code::kFormat: return "CVX_FORMAT";
    case Code::kIo: return "CVX_IO";
    case Code::kFeedGap: return "CVX_FEED_GAP";
    case Code::kFeedTrimmed: return "CVX_FEED_TRIMMED";
  }
  return "CVX_IO";
}

Status Status::FromRocks(const rocksdb::Status& s, const std::string& what) {
  if (s.ok()) return Ok();
  std::string text = what + ": " + s.ToString();
  if (s.IsCorruption()) return Make(Code::kCorruption, text);
  // RocksDB reports a held LOCK file as an IO error; the text is the only discriminator
  // (in-process: "lock hold by current process", cross-process: "While lock file").
  const std::string raw = s.ToString();
  if (s.IsIOError() && (raw.find("lock hold") != std::string::npos ||
                        raw.find("While lock file") != std::string::npos)) {
    return Make(Code::kLocked, what + ": the store is already open (" + raw + ")");
  }
  // A full disk: RocksDB's NoSpace, or ENOSPC's text in a status made from errno elsewhere.
  if (s.IsNoSpace() || raw.find("No space left on device") != std::string::npos) {
    return Make(Code::kIo, what + ": the disk is full (" + raw + ")");
  }
  if (s.IsNotSupported() && (raw.find("read only") != std::string::npos || raw.find("secondary mode") != std::string::npos)) {
    return Make(Code::kReadOnly, text);
  }
  return Make(Code::kIo, text);
}

}  // namespace cvx
