// Structured logging: one JSON object (or logfmt line) per event on stderr,
// so journald, container runtimes and log shippers can parse every field.
#pragma once

#include <initializer_list>
#include <string>
#include "absl/strings/string_view.h"
#include <utility>

namespace redflag::log {

enum class Level { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };
enum class Format { kJson, kText };

using Field = std::pair<absl::string_view, std::string>;

void Configure(Level min_level, Format format);
void Write(Level level, absl::string_view msg, std::initializer_list<Field> fields = {});

inline void Debug(absl::string_view msg, std::initializer_list<Field> f = {}) {
  Write(Level::kDebug, msg, f);
}
inline void Info(absl::string_view msg, std::initializer_list<Field> f = {}) {
  Write(Level::kInfo, msg, f);
}
inline void Warn(absl::string_view msg, std::initializer_list<Field> f = {}) {
  Write(Level::kWarn, msg, f);
}
inline void Error(absl::string_view msg, std::initializer_list<Field> f = {}) {
  Write(Level::kError, msg, f);
}

}  // namespace redflag::log
