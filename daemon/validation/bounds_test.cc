#include "daemon/validation/bounds.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "redflag/v1/access.pb.h"
#include "redflag/v1/alerts.pb.h"
#include "redflag/v1/audit.pb.h"
#include "redflag/v1/clusters.pb.h"
#include "redflag/v1/compute.pb.h"
#include "redflag/v1/customers.pb.h"
#include "redflag/v1/decisions.pb.h"
#include "redflag/v1/egress.pb.h"
#include "redflag/v1/inquiries.pb.h"
#include "redflag/v1/jobs.pb.h"
#include "redflag/v1/records.pb.h"
#include "redflag/v1/reports.pb.h"
#include "redflag/v1/screening.pb.h"
#include "redflag/v1/storage.pb.h"
#include "redflag/v1/telemetry.pb.h"

namespace redflag {
namespace {

TEST(Bounds, EveryStringAndRepeatedFieldAtAnyDepthIsHeldToItsLimitByPath) {
  v1::UpsertCustomerRequest req;
  req.mutable_profile()->set_legal_name(std::string(1024, 'n'));
  EXPECT_TRUE(CheckBounds(req).ok());
  req.mutable_profile()->set_legal_name(std::string(1025, 'n'));
  EXPECT_EQ(CheckBounds(req).message(), "profile.legal_name: 1025 bytes, at most 1024");
  req.mutable_profile()->set_legal_name("ok");
  req.mutable_profile()->add_beneficial_owners()->set_name("fine");
  req.mutable_profile()->add_beneficial_owners()->set_name(std::string(2000, 'x'));
  EXPECT_EQ(CheckBounds(req).message(),
            "profile.beneficial_owners[1].name: 2000 bytes, at most 1024");
  req.mutable_profile()->clear_beneficial_owners();
  const std::string alias = "a";
  for (int i = 0; i < 257; ++i) *req.mutable_profile()->add_aliases() = alias;
  EXPECT_EQ(CheckBounds(req).message(), "profile.aliases: 257 entries, at most 256");
  // Larger where the field needs it.
  v1::UpsertCustomerRequest long_text;
  long_text.mutable_profile()->set_declared_end_use(std::string(4096, 'x'));
  EXPECT_TRUE(CheckBounds(long_text).ok());
}

TEST(Bounds, TextMayNotCarryControlCharacters) {
  v1::UpsertCustomerRequest req;
  req.mutable_profile()->set_legal_name("Tab\tis fine, Кириллица too");
  EXPECT_TRUE(CheckBounds(req).ok());
  struct Case {
    const char* text;
    const char* at;
  };
  for (const Case& c :
       {Case{"a\x1b[31m", "U+001B at byte 1"}, Case{"line\nbreak", "U+000A at byte 4"},
        Case{"cr\r", "U+000D at byte 2"}, Case{"del\x7f", "U+007F at byte 3"},
        Case{"c1 \xc2\x9b", "U+009B at byte 3"}, Case{"rlo \xe2\x80\xae", "U+202E at byte 4"},
        Case{"isolate \xe2\x81\xa6", "U+2066 at byte 8"}}) {
    const char* text = c.text;
    const char* at = c.at;
    req.mutable_profile()->set_legal_name(text);
    EXPECT_EQ(CheckBounds(req).message(),
              absl::StrCat("profile.legal_name: holds a control character (", at,
                           "); text may not carry escape codes, line breaks or bidirectional "
                           "controls"))
        << text;
  }
}

// docs/limits.md lists every bound of every request; this keeps it true.
TEST(Bounds, TheDocumentedTableIsTheOneInForce) {
  std::string expected;
  // One message of each API file, which also links the file's descriptors in.
  for (const google::protobuf::FileDescriptor* f :
       {v1::RegisterJobRequest::descriptor()->file(), v1::SampleBatch::descriptor()->file(),
        v1::UpsertCustomerRequest::descriptor()->file(),
        v1::ListAlertsRequest::descriptor()->file(), v1::GetEstimateRequest::descriptor()->file(),
        v1::ScreenRequest::descriptor()->file(), v1::RecordAccessRequest::descriptor()->file(),
        v1::ListAuditRequest::descriptor()->file(), v1::AdvanceInquiryRequest::descriptor()->file(),
        v1::RecordEgressRequest::descriptor()->file(), v1::CheckJobRequest::descriptor()->file(),
        v1::GetQuarterlyReportRequest::descriptor()->file(),
        v1::CreateBackupRequest::descriptor()->file(),
        v1::UpsertClusterRequest::descriptor()->file(),
        v1::FileRecordRequest::descriptor()->file()}) {
    for (int s = 0; s < f->service_count(); ++s) {
      for (int m = 0; m < f->service(s)->method_count(); ++m) {
        const google::protobuf::MethodDescriptor* method = f->service(s)->method(m);
        const std::string rows = DescribeBounds(method->input_type());
        if (rows.empty()) continue;
        absl::StrAppend(&expected, "\n### ", f->service(s)->name(), ".", method->name(), " (",
                        method->input_type()->name(), ")\n\n| field | at most |\n| --- | --- |\n",
                        rows);
      }
    }
  }
  std::ifstream in(std::string(REDFLAG_SOURCE_DIR) + "/docs/limits.md");
  std::stringstream doc;
  doc << in.rdbuf();
  const std::string begin = "<!-- bounds: generated from daemon/validation/bounds.cc -->\n";
  const std::string end = "<!-- end of bounds -->";
  const size_t b = doc.str().find(begin), e = doc.str().find(end);
  ASSERT_NE(b, std::string::npos);
  ASSERT_NE(e, std::string::npos);
  EXPECT_EQ(doc.str().substr(b + begin.size(), e - b - begin.size()), expected + "\n")
      << "docs/limits.md is out of date; its table should read:\n"
      << expected;
}

}  // namespace
}  // namespace redflag
