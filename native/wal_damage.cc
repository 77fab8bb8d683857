// See wal_damage.h. The line RocksDB 7.8 logs for a damaged WAL record (db_impl_open.cc,
// LogReporter::Corruption) is "[(ignoring error) ]<file>: dropping <n> bytes; <status>".
#include "wal_damage.h"

#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace cvx {
namespace {

void Forward(rocksdb::Logger* l, const char* format, ...) {
  va_list ap;
  va_start(ap, format);
  l->Logv(format, ap);
  va_end(ap);
}

// The drop a log line reports, if it reports one.
bool ParseDrop(const std::string& line, WalDrop* out) {
  const std::string marker = ": dropping ";
  const size_t at = line.find(marker);
  if (at == std::string::npos) return false;
  // The file name starts after the last "] " of the line's prefixes ("[WARN] [source:line] ").
  size_t start = line.rfind("] ", at);
  start = start == std::string::npos ? 0 : start + 2;
  const std::string ignoring = "(ignoring error) ";
  if (line.compare(start, ignoring.size(), ignoring) == 0) start += ignoring.size();
  out->file = line.substr(start, at - start);
  const char* p = line.c_str() + at + marker.size();
  char* end = nullptr;
  out->bytes = strtoull(p, &end, 10);
  const char* reason = strstr(end, "; ");
  out->reason = reason ? std::string(reason + 2) : std::string();
  while (!out->reason.empty() && (out->reason.back() == '\n' || out->reason.back() == ' ')) out->reason.pop_back();
  return out->file.size() > 4 && out->file.compare(out->file.size() - 4, 4, ".log") == 0;
}

std::string BaseName(const std::string& p) {
  const size_t slash = p.rfind('/');
  return slash == std::string::npos ? p : p.substr(slash + 1);
}

}  // namespace

WalDamageLog::WalDamageLog(std::shared_ptr<rocksdb::Logger> inner, rocksdb::InfoLogLevel level)
    : rocksdb::Logger(level), inner_(std::move(inner)) {}

void WalDamageLog::Logv(const char* format, va_list ap) {
  // Runs on RocksDB's threads: nothing may throw out of here.
  try {
    char buf[1024];
    va_list copy;
    va_copy(copy, ap);
    const int n = vsnprintf(buf, sizeof buf, format, copy);
    va_end(copy);
    if (n < 0) return;
    const std::string line(buf, std::min<size_t>(static_cast<size_t>(n), sizeof buf - 1));
    WalDrop drop;
    if (ParseDrop(line, &drop)) {
      std::lock_guard<std::mutex> lock(mu_);
      drops_.push_back(std::move(drop));
    }
    if (inner_) {
      if (static_cast<size_t>(n) < sizeof buf) Forward(inner_.get(), "%s", buf);
      else inner_->Logv(format, ap);
    }
  } catch (...) {
  }
}

void WalDamageLog::Flush() {
  if (inner_) inner_->Flush();
}

std::vector<WalDrop> WalDamageLog::Drops() {
  std::lock_guard<std::mutex> lock(mu_);
  return drops_;
}

std::shared_ptr<WalDamageLog> WatchWalDamage(rocksdb::DBOptions* o, bool salvage) {
  auto log = std::make_shared<WalDamageLog>(o->info_log, o->info_log ? o->info_log->GetInfoLogLevel() : o->info_log_level);
  o->info_log = log;
  if (salvage) o->wal_recovery_mode = rocksdb::WALRecoveryMode::kSkipAnyCorruptedRecords;
  return log;
}

std::string DescribeDrops(const std::vector<WalDrop>& drops) {
  std::string out;
  for (const auto& d : drops) {
    if (!out.empty()) out += ", ";
    std::string reason = d.reason;
    if (reason.rfind("Corruption: ", 0) == 0) reason = reason.substr(12);
    out += BaseName(d.file) + " (" + reason + ", " + std::to_string(d.bytes) + " bytes)";
  }
  return out;
}

}  // namespace cvx
