// Decodes a Prometheus remote-write 1.0 request: the headers say what the body
// is (snappy block-compressed protobuf, version 0.1.0), the body's stated
// uncompressed length is bounded before anything is allocated, and every
// series' labels follow the specification's rules. Errors are values whose
// code says the HTTP answer: INVALID_ARGUMENT 400 (it can never succeed),
// FAILED_PRECONDITION 415 (a media type or version not spoken here),
// RESOURCE_EXHAUSTED 413 (too large); each message names what is wrong.
#pragma once

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/arena.h"
#include "remote_write/remote_write.pb.h"

namespace redflag {

struct RemoteWriteHeaders {
  std::string content_type, content_encoding, version;
};

// The request is parsed on `arena` (a request's thousands of labels are
// freed at once) and lives as long as it.
absl::StatusOr<remote_write::WriteRequest*> DecodeWriteRequest(const RemoteWriteHeaders& headers,
                                                               absl::string_view body,
                                                               size_t max_uncompressed_bytes,
                                                               google::protobuf::Arena* arena);

// The label `name` of a series ("" when absent): labels are sorted, so this
// is a binary search.
absl::string_view LabelValue(const remote_write::TimeSeries& series, absl::string_view name);

// Prometheus' stale marker (the series ended): one NaN among many.
bool IsStaleMarker(double value);

}  // namespace redflag
