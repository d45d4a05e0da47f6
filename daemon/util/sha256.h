#pragma once

#include <string>

#include "absl/strings/string_view.h"

namespace redflag {

// Lower-case hex SHA-256 of `data`.
std::string Sha256Hex(absl::string_view data);

}  // namespace redflag
