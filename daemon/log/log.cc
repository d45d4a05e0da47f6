#include "daemon/log/log.h"

#include <unistd.h>

#include <atomic>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace redflag::log {
namespace {

std::atomic<Level> g_level{Level::kInfo};
std::atomic<Format> g_format{Format::kJson};

const char* LevelName(Level l) {
  switch (l) {
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarn:
      return "warn";
    case Level::kError:
      return "error";
  }
  return "info";
}

void AppendJsonString(std::string& out, absl::string_view s) {
  out.push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          absl::StrAppend(&out, "\\u00", absl::Hex(c, absl::kZeroPad2));
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  out.push_back('"');
}

void AppendTextValue(std::string& out, absl::string_view s) {
  if (s.find_first_of(" \"=\n") == absl::string_view::npos && !s.empty()) {
    out.append(s.data(), s.size());
  } else {
    AppendJsonString(out, s);
  }
}

}  // namespace

void Configure(Level min_level, Format format) {
  g_level = min_level;
  g_format = format;
}

void Write(Level level, absl::string_view msg, std::initializer_list<Field> fields) {
  if (level < g_level.load(std::memory_order_relaxed)) return;
  std::string ts = absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone());
  std::string line;
  if (g_format.load(std::memory_order_relaxed) == Format::kJson) {
    absl::StrAppend(&line, "{\"ts\":\"", ts, "\",\"level\":\"", LevelName(level), "\",\"msg\":");
    AppendJsonString(line, msg);
    for (const auto& [k, v] : fields) {
      line.push_back(',');
      AppendJsonString(line, k);
      line.push_back(':');
      AppendJsonString(line, v);
    }
    line += "}\n";
  } else {
    absl::StrAppend(&line, "ts=", ts, " level=", LevelName(level), " msg=");
    AppendTextValue(line, msg);
    for (const auto& [k, v] : fields) {
      line.push_back(' ');
      line.append(k.data(), k.size());
      line.push_back('=');
      AppendTextValue(line, v);
    }
    line += "\n";
  }
  static std::mutex mu;
  std::lock_guard<std::mutex> lock(mu);
  // One write per line keeps concurrent lines whole.
  size_t off = 0;
  while (off < line.size()) {
    ssize_t n = ::write(STDERR_FILENO, line.data() + off, line.size() - off);
    if (n <= 0) break;
    off += static_cast<size_t>(n);
  }
}

}  // namespace redflag::log
