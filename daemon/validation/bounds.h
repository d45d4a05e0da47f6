// The size limits every request is held to before anything reads it
// (docs/limits.md): every string and every repeated field of every message,
// at any depth, has a maximum; a request over one is refused whole with
// INVALID_ARGUMENT naming the field and the limit. A generic walk over the
// message by reflection, so a field added to the API is bounded from the
// start. (Unknown fields are dropped on arrival, by daemon/net/request_guard.)
#pragma once

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "google/protobuf/message.h"

namespace redflag {

// Defaults, and the fields allowed more (or held to less) by full name,
// e.g. "redflag.v1.CustomerProfile.declared_end_use".
inline constexpr size_t kMaxStringBytes = 1024;
inline constexpr int kMaxRepeated = 1000;
size_t MaxStringBytes(const google::protobuf::FieldDescriptor* field);
int MaxRepeated(const google::protobuf::FieldDescriptor* field);

// Checks every bound; the error names the field by path, e.g.
// "profile.aliases: 100000 entries, at most 256".
absl::Status CheckBounds(const google::protobuf::Message& request);

// Every bound as a table (field, limit), for docs/limits.md and its test.
std::string DescribeBounds(const google::protobuf::Descriptor* request);

}  // namespace redflag
