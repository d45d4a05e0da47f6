#include "daemon/remote_write/write_request.h"

#include <snappy.h>

#include <algorithm>
#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace redflag {
namespace {

absl::Status CheckHeaders(const RemoteWriteHeaders& h) {
  if (absl::AsciiStrToLower(h.content_encoding) != "snappy") {
    return absl::FailedPreconditionError(absl::StrCat(
        "Content-Encoding: must be snappy (remote-write 1.0), got '", h.content_encoding, "'"));
  }
  const std::string type = absl::AsciiStrToLower(h.content_type);
  if (!absl::StartsWith(type, "application/x-protobuf")) {
    return absl::FailedPreconditionError(
        absl::StrCat("Content-Type: must be application/x-protobuf, got '", h.content_type, "'"));
  }
  if (absl::StrContains(type, "proto=") &&
      !absl::StrContains(type, "proto=prometheus.writerequest")) {
    return absl::FailedPreconditionError(absl::StrCat(
        "Content-Type: '", h.content_type,
        "' is not remote-write 1.0 (prometheus.WriteRequest); 2.0 is not spoken here"));
  }
  if (h.version.empty()) {
    return absl::InvalidArgumentError(
        "X-Prometheus-Remote-Write-Version: missing (remote-write 1.0 senders send 0.1.0)");
  }
  if (!absl::StartsWith(h.version, "0.")) {
    return absl::FailedPreconditionError(absl::StrCat(
        "X-Prometheus-Remote-Write-Version: ", h.version, " is not 0.1.0 (remote-write 1.0)"));
  }
  return absl::OkStatus();
}

absl::Status CheckLabels(const remote_write::WriteRequest& r) {
  for (int i = 0; i < r.timeseries_size(); ++i) {
    const auto& labels = r.timeseries(i).labels();
    bool named = false;
    for (int j = 0; j < labels.size(); ++j) {
      const remote_write::Label& l = labels[j];
      const std::string where = absl::StrCat("timeseries[", i, "].labels[", j, "]");
      if (l.name().empty()) return absl::InvalidArgumentError(absl::StrCat(where, ": empty name"));
      if (l.value().empty()) {
        return absl::InvalidArgumentError(
            absl::StrCat(where, " (", l.name(), "): empty value (an absent label is left out)"));
      }
      if (j > 0 && l.name() <= labels[j - 1].name()) {
        return absl::InvalidArgumentError(absl::StrCat(
            where, " (", l.name(), "): ",
            l.name() == labels[j - 1].name()
                ? "the name appears twice"
                : "after '" + labels[j - 1].name() + "': labels must be sorted by name"));
      }
      named = named || l.name() == "__name__";
    }
    if (!named) {
      return absl::InvalidArgumentError(absl::StrCat("timeseries[", i, "]: no __name__ label"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<remote_write::WriteRequest*> DecodeWriteRequest(const RemoteWriteHeaders& headers,
                                                               absl::string_view body,
                                                               size_t max_uncompressed_bytes,
                                                               google::protobuf::Arena* arena) {
  if (absl::Status s = CheckHeaders(headers); !s.ok()) return s;
  size_t length = 0;
  if (!snappy::GetUncompressedLength(body.data(), body.size(), &length)) {
    return absl::InvalidArgumentError("body: not snappy block-compressed data");
  }
  if (length > max_uncompressed_bytes) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "body: uncompressed length ", length, " bytes is over remote_write.max_request_bytes (",
        max_uncompressed_bytes, "); lower the sender's queue_config.max_samples_per_send"));
  }
  // A buffer per thread, kept: a request's hundreds of kilobytes are not
  // allocated and freed each time.
  thread_local std::string raw;
  if (!snappy::Uncompress(body.data(), body.size(), &raw) || raw.size() != length) {
    return absl::InvalidArgumentError(
        "body: corrupt snappy data (its stated length does not match what it holds)");
  }
  if (raw.capacity() > 2 * max_uncompressed_bytes) raw.shrink_to_fit();
  auto* request = google::protobuf::Arena::CreateMessage<remote_write::WriteRequest>(arena);
  if (!request->ParseFromString(raw)) {
    return absl::InvalidArgumentError("body: not a remote-write WriteRequest (invalid protobuf)");
  }
  if (absl::Status s = CheckLabels(*request); !s.ok()) return s;
  return request;
}

absl::string_view LabelValue(const remote_write::TimeSeries& series, absl::string_view name) {
  const auto& labels = series.labels();
  auto it = std::lower_bound(labels.begin(), labels.end(), name,
                             [](const remote_write::Label& l, absl::string_view n) {
                               return absl::string_view(l.name()) < n;
                             });
  return it != labels.end() && it->name() == name ? absl::string_view(it->value())
                                                  : absl::string_view();
}

bool IsStaleMarker(double value) {
  uint64_t bits;
  std::memcpy(&bits, &value, sizeof(bits));
  return bits == 0x7ff0000000000002ULL;
}

}  // namespace redflag
