// Keys of the customer_history domain: customer_id, a 0x00 separator (ids
// are printable ASCII), and the version big-endian, so one customer's
// versions are adjacent and in order.
#pragma once

#include <cstdint>
#include <string>

#include "absl/base/internal/endian.h"
#include "absl/strings/string_view.h"

namespace redflag {

inline std::string CustomerHistoryPrefix(absl::string_view customer_id) {
  std::string key(customer_id);
  key.push_back('\0');
  return key;
}

inline std::string CustomerHistoryKey(absl::string_view customer_id, uint64_t version) {
  std::string key = CustomerHistoryPrefix(customer_id);
  char be[8];
  absl::big_endian::Store64(be, version);
  key.append(be, sizeof(be));
  return key;
}

}  // namespace redflag
