#include "daemon/validation/bounds.h"

#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "google/protobuf/descriptor.h"

namespace redflag {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// Fields whose bound differs from the default, the same as the field-level
// checks of daemon/validation hold them to, so docs/limits.md tells one truth.
const std::map<std::string, size_t>& StringOverrides() {
  static const auto* m = [] {
    auto* m = new std::map<std::string, size_t>{
        // Free text people write.
        {"redflag.v1.CustomerProfile.declared_end_use", 4096},
        {"redflag.v1.AlertActionRequest.comment", 4096},
        {"redflag.v1.AdvanceInquiryRequest.note", 4096},
        {"redflag.v1.ModelPublication.evidence", 2048},
        {"redflag.v1.AccessEvent.channel", 32},
        {"redflag.v1.AccessEvent.action", 128},
        {"redflag.v1.FileRecordRequest.note", 4096},
        // An agency's reference; a record's id is "<customer_id>/<model_id>".
        {"redflag.v1.FileRecordRequest.agency_reference", 128},
        {"redflag.v1.FileRecordRequest.record_id", 520},
        {"redflag.v1.GetRecordRequest.record_id", 520},
        // A licence number.
        {"redflag.v1.Licence.reference", 64},
    };
    // Identifiers, and short labels.
    for (const char* f : {"Sample.source_id",
                          "Sample.job_id",
                          "JobSpec.job_id",
                          "JobSpec.customer_id",
                          "JobSpec.model_id",
                          "JobSpec.parent_model_id",
                          "JobSpec.cluster",
                          "JobSpec.region",
                          "JobSpec.scheduler",
                          "JobSpec.scheduler_job_id",
                          "JobSpec.parent_checkpoint",
                          "JobSpec.accelerator_model",
                          "GetJobRequest.job_id",
                          "EndJobRequest.job_id",
                          "CustomerProfile.customer_id",
                          "CustomerProfile.linked_accounts",
                          "SetModelPublicationRequest.model_id",
                          "ModelPublication.recorded_by",
                          "AccessEvent.principal",
                          "AccessEvent.event_id",
                          "EgressEvent.destination_region",
                          "EgressEvent.principal",
                          "EgressEvent.event_id",
                          "AlertActionRequest.actor",
                          "AlertActionRequest.assignee",
                          "AdvanceInquiryRequest.actor",
                          "CheckJobRequest.customer_id",
                          "CheckEgressRequest.model_id",
                          "CheckEgressRequest.customer_id",
                          "CheckEgressRequest.destination_region",
                          "CheckEgressRequest.principal",
                          "Cluster.cluster_id",
                          "Cluster.region",
                          "Cluster.datacenter",
                          "ClusterAccelerators.model",
                          "GetClusterHistoryRequest.cluster_id",
                          "ListRecordsRequest.customer_id",
                          "FileRecordRequest.actor"}) {
      (*m)[absl::StrCat("redflag.v1.", f)] = 256;
    }
    return m;
  }();
  return *m;
}

const std::map<std::string, int>& RepeatedOverrides() {
  static const auto* m = new std::map<std::string, int>{
      // Bounded by ingest.max_batch_samples (at most this) as well.
      {"redflag.v1.SampleBatch.samples", 1'000'000},
      {"redflag.v1.RecordAccessRequest.events", 10'000},
      {"redflag.v1.RecordEgressRequest.events", 10'000},
      {"redflag.v1.Cluster.accelerators", 100},
      // A profile: enough for any real company, far from what exhausts screening.
      {"redflag.v1.CustomerProfile.aliases", 256},
      {"redflag.v1.CustomerProfile.ownership_chain", 256},
      {"redflag.v1.CustomerProfile.beneficial_owners", 256},
      {"redflag.v1.CustomerProfile.officers", 256},
      {"redflag.v1.CustomerProfile.contact_emails", 64},
      {"redflag.v1.CustomerProfile.contact_domains", 64},
      {"redflag.v1.CustomerProfile.contact_phones", 64},
      {"redflag.v1.CustomerProfile.addresses", 64},
      {"redflag.v1.CustomerProfile.linked_accounts", 256},
  };
  return *m;
}

// Free text an analyst writes may run over several lines.
bool AllowsNewlines(const FieldDescriptor* f) {
  return f->full_name() == "redflag.v1.AlertActionRequest.comment" ||
         f->full_name() == "redflag.v1.AdvanceInquiryRequest.note" ||
         f->full_name() == "redflag.v1.FileRecordRequest.note";
}

// The first control character of `s` (C0 but tab, DEL, C1, the bidi
// controls), as "U+001B at byte 4", or "".
std::string FirstControl(const std::string& s, bool allow_newline) {
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    uint32_t cp = 0;
    if ((c < 0x20 && c != '\t' && !(allow_newline && c == '\n')) || c == 0x7F) {
      cp = c;
    } else if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) >= 0x80 &&
               static_cast<unsigned char>(s[i + 1]) <= 0x9F) {
      cp = static_cast<unsigned char>(s[i + 1]);
    } else if (c == 0xE2 && i + 2 < s.size()) {
      const uint32_t v = ((c & 0x0Fu) << 12) | ((s[i + 1] & 0x3Fu) << 6) | (s[i + 2] & 0x3Fu);
      if ((v >= 0x202A && v <= 0x202E) || (v >= 0x2066 && v <= 0x2069) || v == 0x200E ||
          v == 0x200F) {
        cp = v;
      }
    }
    if (cp != 0) return absl::StrFormat("U+%04X at byte %d", cp, i);
  }
  return "";
}

absl::Status CheckString(const FieldDescriptor* f, const std::string& path, const std::string& v) {
  if (v.size() > MaxStringBytes(f)) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": ", v.size(), " bytes, at most ", MaxStringBytes(f)));
  }
  if (f->type() == FieldDescriptor::TYPE_STRING) {
    if (std::string at = FirstControl(v, AllowsNewlines(f)); !at.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          path, ": holds a control character (", at,
          "); text may not carry escape codes, line breaks or bidirectional controls"));
    }
  }
  return absl::OkStatus();
}

std::string Path(const std::string& prefix, const FieldDescriptor* f) {
  return prefix.empty() ? f->name() : absl::StrCat(prefix, ".", f->name());
}

absl::Status Walk(const Message& m, const std::string& prefix, int depth) {
  if (depth > 32) return absl::InvalidArgumentError(absl::StrCat(prefix, ": nested too deeply"));
  const Reflection* r = m.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  r->ListFields(m, &fields);
  for (const FieldDescriptor* f : fields) {
    const std::string path = Path(prefix, f);
    if (f->is_repeated()) {
      const int n = r->FieldSize(m, f);
      if (n > MaxRepeated(f)) {
        return absl::InvalidArgumentError(
            absl::StrCat(path, ": ", n, " entries, at most ", MaxRepeated(f)));
      }
      for (int i = 0; i < n; ++i) {
        const std::string item = absl::StrCat(path, "[", i, "]");
        if (f->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
          std::string scratch;
          const std::string& v = r->GetRepeatedStringReference(m, f, i, &scratch);
          if (absl::Status s = CheckString(f, item, v); !s.ok()) return s;
        } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
          if (absl::Status s = Walk(r->GetRepeatedMessage(m, f, i), item, depth + 1); !s.ok()) {
            return s;
          }
        }
      }
    } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
      std::string scratch;
      const std::string& v = r->GetStringReference(m, f, &scratch);
      if (absl::Status s = CheckString(f, path, v); !s.ok()) return s;
    } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      if (absl::Status s = Walk(r->GetMessage(m, f), path, depth + 1); !s.ok()) return s;
    }
  }
  return absl::OkStatus();
}

void Describe(const Descriptor* d, const std::string& prefix, std::set<const Descriptor*>& seen,
              std::string& out) {
  if (!seen.insert(d).second) return;
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    const std::string path = Path(prefix, f);
    if (f->is_repeated())
      absl::StrAppend(&out, "| `", path, "` | ", MaxRepeated(f), " entries |\n");
    if (f->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
      absl::StrAppend(&out, "| `", path, f->is_repeated() ? "[]" : "", "` | ", MaxStringBytes(f),
                      " bytes |\n");
    } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      Describe(f->message_type(), path + (f->is_repeated() ? "[]" : ""), seen, out);
    }
  }
  seen.erase(d);
}

}  // namespace

size_t MaxStringBytes(const FieldDescriptor* field) {
  auto it = StringOverrides().find(field->full_name());
  return it == StringOverrides().end() ? kMaxStringBytes : it->second;
}

int MaxRepeated(const FieldDescriptor* field) {
  auto it = RepeatedOverrides().find(field->full_name());
  return it == RepeatedOverrides().end() ? kMaxRepeated : it->second;
}

absl::Status CheckBounds(const Message& request) { return Walk(request, "", 0); }

std::string DescribeBounds(const Descriptor* request) {
  std::string out;
  std::set<const Descriptor*> seen;
  Describe(request, "", seen, out);
  return out;
}

}  // namespace redflag
