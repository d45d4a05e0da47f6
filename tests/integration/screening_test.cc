// Restricted-party screening end to end: the real daemon loads the real list
// files named in its config, screens names through redflagctl, screens a
// customer's names at upsert into alerts, shows them with `customers show`,
// refuses a broken new list version (SIGHUP) while the good one stays in use,
// and re-screens stored customers when a list file changes.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "redflag/v1/alerts.grpc.pb.h"
#include "redflag/v1/customers.grpc.pb.h"
#include "redflag/v1/screening.grpc.pb.h"
#include "tests/integration/daemon_process.h"

namespace redflag::testing {
namespace {

namespace fs = std::filesystem;

const std::string kData = REDFLAG_SOURCE_DIR "/tests/data/screening/";

// Replaces a file and moves its modification time on, so the daemon sees a
// new version whatever the file system's time resolution.
void Replace(const fs::path& target, const std::string& from) {
  static int generation = 0;
  fs::copy_file(from, target, fs::copy_options::overwrite_existing);
  fs::last_write_time(target,
                      fs::file_time_type::clock::now() + std::chrono::seconds(++generation));
}

v1::ListInfo List(DaemonProcess& d, const std::string& name) {
  auto stub = v1::ScreeningService::NewStub(d.channel());
  grpc::ClientContext ctx;
  v1::ListListsResponse resp;
  EXPECT_TRUE(stub->ListLists(&ctx, v1::ListListsRequest(), &resp).ok());
  for (const v1::ListInfo& l : resp.lists()) {
    if (l.name() == name) return l;
  }
  return v1::ListInfo();
}

// Polls until `done` or 30 s pass; a reload happens on the daemon's timer.
template <typename Fn>
bool Eventually(Fn done) {
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  while (absl::Now() < deadline) {
    if (done()) return true;
    absl::SleepFor(absl::Milliseconds(100));
  }
  return done();
}

std::vector<v1::Alert> CustomerAlerts(DaemonProcess& d, const std::string& customer_id) {
  auto stub = v1::AlertService::NewStub(d.channel());
  grpc::ClientContext ctx;
  v1::ListAlertsRequest req;
  req.mutable_filter()->set_customer_id(customer_id);
  req.set_page_size(1000);
  v1::ListAlertsResponse resp;
  EXPECT_TRUE(stub->ListAlerts(&ctx, req, &resp).ok());
  return {resp.alerts().begin(), resp.alerts().end()};
}

class ScreeningEndToEnd : public ::testing::Test {
 protected:
  void SetUp() override {
    lists_ = fs::path(dir_.path()) / "lists";
    fs::create_directories(lists_ / "ofac");
    Replace(lists_ / "consolidated.csv", kData + "csl_2023-11-30/csl.csv");
    for (const char* f : {"sdn.csv", "add.csv", "alt.csv"}) {
      Replace(lists_ / "ofac" / f, kData + "ofac_2021-07-07/" + f);
    }
    auto d = DaemonProcess::Start(
        dir_.path() + "/data", FreePorts(),
        {"-o", "screening.csl_file=" + (lists_ / "consolidated.csv").string(), "-o",
         "screening.ofac_sdn_file=" + (lists_ / "ofac" / "sdn.csv").string(), "-o",
         "screening.reload_check_interval=1s", "-o", "screening.min_kept_fraction=0"});
    ASSERT_TRUE(d.ok()) << d.status();
    daemon_ = std::move(*d);
  }

  CommandResult Ctl(std::vector<std::string> args) {
    args.insert(args.begin(), {REDFLAGCTL_PATH, "--addr", daemon_->grpc_address()});
    return RunCommand(args);
  }

  TempDir dir_;
  fs::path lists_;
  std::unique_ptr<DaemonProcess> daemon_;
};

TEST_F(ScreeningEndToEnd, AdHocScreeningFindsListedNamesInAnyScriptAndNotWesternOnes) {
  CommandResult r = Ctl({"screen", "Рособоронэкспорт", "--country", "RU"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("1.00  ROSOBORONEKSPORT OAO  [exact]"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("why:      transliterated from Cyrillic"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("against csl, ofac_sdn"), std::string::npos) << r.output;

  r = Ctl({"screen", "Bank of America Corporation"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find(": 0 hits"), std::string::npos) << r.output;

  r = Ctl({"screen", "x", "--country", "Russia"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("country: must be an ISO 3166-1 alpha-2 code"), std::string::npos)
      << r.output;

  HttpResponse m = HttpGet(daemon_->http_port(), "/metrics");
  EXPECT_NE(m.body.find("redflag_screening_list_entries{list=\"csl\"} 4226"), std::string::npos);
  EXPECT_NE(m.body.find("redflag_screening_list_entries{list=\"ofac_sdn\"} 8976"),
            std::string::npos);
  EXPECT_NE(m.body.find("redflag_screening_list_bad_rows{list=\"csl\"} 1"), std::string::npos);
  EXPECT_NE(m.body.find("redflag_screening_list_age_seconds{list=\"csl\"}"), std::string::npos);
}

TEST_F(ScreeningEndToEnd, CustomerNamesAreScreenedAtUpsertAndShownWithEvidence) {
  const fs::path profile = fs::path(dir_.path()) / "acme.json";
  std::ofstream(profile) << R"({"customer_id": "acme-ai", "legal_name": "Acme AI Labs Inc",
    "headquarters_country": "US",
    "beneficial_owners": [{"name": "Jane Doe", "nationality": "US"},
                          {"name": "Bank Melli Iran", "nationality": "IR"}]})";
  CommandResult up = Ctl({"customers", "upsert", profile.string()});
  ASSERT_EQ(up.exit_code, 0) << up.output;
  EXPECT_NE(up.output.find("\"field\": \"beneficial_owners[1].name\""), std::string::npos)
      << up.output;

  // BANK MELLI IRAN and BANK MELLI IRAN ZAO, one alert each; and, since an
  // SDN owns a share of the customer that the profile does not state, a hold.
  std::map<std::string, v1::Severity> alerts;
  for (const v1::Alert& a : CustomerAlerts(*daemon_, "acme-ai"))
    alerts[a.alert_id()] = a.severity();
  EXPECT_EQ(alerts,
            (std::map<std::string, v1::Severity>{
                {"listed_ownership/customer/acme-ai/share_unknown", v1::SEVERITY_HIGH},
                {"restricted_party/customer/acme-ai/ofac_sdn/SDN/25419", v1::SEVERITY_CRITICAL},
                {"restricted_party/customer/acme-ai/ofac_sdn/SDN/25578", v1::SEVERITY_CRITICAL}}));
  CommandResult shown = Ctl({"customers", "show", "acme-ai"});
  ASSERT_EQ(shown.exit_code, 0) << shown.output;
  EXPECT_NE(shown.output.find("3 findings"), std::string::npos) << shown.output;
  EXPECT_NE(shown.output.find("(upsert, profile version 1): 3 names against csl 054553ac960f "
                              "(4226 entries), ofac_sdn "),
            std::string::npos)
      << shown.output;
  EXPECT_NE(shown.output.find("field: beneficial_owners[1].name"), std::string::npos)
      << shown.output;
  EXPECT_NE(shown.output.find("matched_name: BANK MELLI IRAN"), std::string::npos) << shown.output;
  EXPECT_NE(shown.output.find("source_url: https://sanctionssearch.ofac.treas.gov/"),
            std::string::npos)
      << shown.output;

  // Upserting the same profile again finds the same, and raises nothing new.
  ASSERT_EQ(Ctl({"customers", "upsert", profile.string()}).exit_code, 0);
  EXPECT_EQ(CustomerAlerts(*daemon_, "acme-ai").size(), 3u);
}

TEST_F(ScreeningEndToEnd, BrokenListIsRefusedAndAChangedListReScreensEveryone) {
  const fs::path profile = fs::path(dir_.path()) / "hebei.json";
  std::ofstream(profile) << R"({"customer_id": "hb-1", "legal_name": "North Star Compute Pte Ltd",
    "headquarters_country": "SG", "ultimate_parent_name": "Hebei Semiconductor Research Institute",
    "ultimate_parent_country": "CN"})";
  ASSERT_EQ(Ctl({"customers", "upsert", profile.string()}).exit_code, 0);
  EXPECT_TRUE(CustomerAlerts(*daemon_, "hb-1").empty());  // not on the 2023 list

  // A header-only file, then SIGHUP: refused, the 2023 list stays in use.
  const std::string header_only = (fs::path(dir_.path()) / "header.csv").string();
  {
    std::ifstream in(kData + "csl_2023-11-30/csl.csv");
    std::string line;
    std::getline(in, line);
    std::ofstream(header_only) << line << "\n";
  }
  Replace(lists_ / "consolidated.csv", header_only);
  daemon_->Signal(SIGHUP);
  ASSERT_TRUE(Eventually([&] { return List(*daemon_, "csl").refusals() == 1; }));
  v1::ListInfo csl = List(*daemon_, "csl");
  EXPECT_EQ(csl.entries(), 4226u);
  EXPECT_NE(csl.last_error().find("no entries"), std::string::npos) << csl.last_error();
  CommandResult lists = Ctl({"screening", "lists"});
  EXPECT_NE(lists.output.find("refused:   "), std::string::npos) << lists.output;
  EXPECT_NE(lists.output.find(":4233: a quoted field is not closed (truncated file?)"),
            std::string::npos)
      << lists.output;
  EXPECT_NE(Ctl({"screen", "Rosoboroneksport"}).output.find("ROSOBORONEKSPORT OAO"),
            std::string::npos);

  // The 2025 list names the parent: the stored customer is re-screened
  // without being upserted again, on the timer alone.
  Replace(lists_ / "consolidated.csv", kData + "csl_sample_2025-06-25/consolidated.csv");
  ASSERT_TRUE(Eventually([&] { return !CustomerAlerts(*daemon_, "hb-1").empty(); }));
  std::vector<v1::Alert> alerts = CustomerAlerts(*daemon_, "hb-1");
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_NE(alerts[0].summary().find("ultimate_parent_name \"Hebei Semiconductor Research "
                                     "Institute\" is listed as \"Hebei Semiconductor Research "
                                     "Institute\" on EL (csl)"),
            std::string::npos)
      << alerts[0].summary();
  EXPECT_EQ(List(*daemon_, "csl").entries(), 13u);

  // Every screening is on record: at upsert against the 2023 list, then
  // again when the list changed, against the new version.
  grpc::ClientContext ctx;
  v1::ListCustomerScreeningsRequest req;
  req.set_customer_id("hb-1");
  v1::ListCustomerScreeningsResponse records;
  ASSERT_TRUE(v1::ScreeningService::NewStub(daemon_->channel())
                  ->ListCustomerScreenings(&ctx, req, &records)
                  .ok());
  ASSERT_GE(records.records_size(), 2);
  const v1::ScreeningRecord& newest = records.records(0);
  EXPECT_EQ(newest.trigger(), "list_change");
  EXPECT_EQ(newest.entries_hit(), 1u);
  const v1::ScreeningRecord& oldest = records.records(records.records_size() - 1);
  EXPECT_EQ(oldest.trigger(), "upsert");
  EXPECT_EQ(oldest.entries_hit(), 0u);
  ASSERT_EQ(oldest.lists_size(), 2);
  EXPECT_EQ(oldest.lists(0).entries(), 4226u);
}

std::map<std::string, v1::Alert> OverlapAlerts(DaemonProcess& d, const std::string& customer_id) {
  std::map<std::string, v1::Alert> out;
  for (const v1::Alert& a : CustomerAlerts(d, customer_id)) {
    if (a.rule() == "entity_overlap") out[a.alert_id()] = a;
  }
  return out;
}

std::map<std::string, std::string> EvidenceOf(const v1::Alert& a) {
  std::map<std::string, std::string> out;
  for (const v1::Evidence& e : a.evidence()) out[e.name()] = e.value();
  return out;
}

// R11: a new customer whose address is a listed entry's, written otherwise,
// is an entity_overlap finding; one house number off is not; a web domain
// the OFAC remarks give is one too.
TEST_F(ScreeningEndToEnd, AnAddressOrDomainOfAListedEntryIsAnEntityOverlap) {
  auto upsert = [&](const std::string& id, const std::string& extra) {
    const fs::path profile = fs::path(dir_.path()) / (id + ".json");
    std::ofstream(profile) << R"({"customer_id": ")" << id
                           << R"(", "legal_name": "Neva Compute Services LLC",
      "headquarters_country": "RU", )"
                           << extra << "}";
    CommandResult r = Ctl({"customers", "upsert", profile.string()});
    ASSERT_EQ(r.exit_code, 0) << r.output;
  };
  upsert("ov-1", R"("addresses": ["29 Bolshaya Morskaya Street, St. Petersburg 190000, Russia"])");
  upsert("ov-2", R"("addresses": ["31 Bolshaya Morskaya Street, St. Petersburg 190000, Russia"])");
  upsert("ov-3", R"("contact_emails": ["sales@irisl.net"], "contact_phones": ["+1 202 555 0100"])");
  std::map<std::string, v1::Alert> alerts = OverlapAlerts(*daemon_, "ov-1");
  ASSERT_TRUE(alerts.contains("entity_overlap/customer/ov-1/csl/SSI/17013/address")) << [&] {
    std::string ids;
    for (const auto& [id, a] : alerts) ids += id + " ";
    return ids;
  }();
  const v1::Alert& a = alerts.at("entity_overlap/customer/ov-1/csl/SSI/17013/address");
  EXPECT_EQ(a.severity(), v1::SEVERITY_HIGH);
  std::map<std::string, std::string> evidence = EvidenceOf(a);
  EXPECT_EQ(evidence["field"], "addresses[0]");
  EXPECT_EQ(evidence["listed_value"], "29, Bolshaya Morskaya str., St. Petersburg, 190000, RU");
  EXPECT_EQ(evidence["listed_name"], "VTB BANK PUBLIC JOINT STOCK COMPANY");
  EXPECT_TRUE(OverlapAlerts(*daemon_, "ov-2").empty());  // another house on the street
  // The 2021 OFAC file gives IRISL's web site in its remarks.
  alerts = OverlapAlerts(*daemon_, "ov-3");
  ASSERT_TRUE(alerts.contains("entity_overlap/customer/ov-3/ofac_sdn/SDN/25396/domain"))
      << alerts.size();
  EXPECT_EQ(EvidenceOf(alerts.at(
                "entity_overlap/customer/ov-3/ofac_sdn/SDN/25396/domain"))["listed_value"],
            "irisl.net");
}

// R11: a former customer that a later list names; a new customer sharing its
// telephone number or an officer is an entity_overlap finding, one sharing
// nothing is not.
TEST_F(ScreeningEndToEnd, ACustomerSharingContactsWithALaterListedCustomerIsAnEntityOverlap) {
  auto upsert = [&](const std::string& id, const std::string& body) {
    const fs::path profile = fs::path(dir_.path()) / (id + ".json");
    std::ofstream(profile) << R"({"customer_id": ")" << id << R"(", )" << body << "}";
    CommandResult r = Ctl({"customers", "upsert", profile.string()});
    ASSERT_EQ(r.exit_code, 0) << r.output;
  };
  upsert("old-1", R"("legal_name": "Africa Politology", "headquarters_country": "RU",
    "contact_phones": ["+7 812 555 01 01"], "officers": [{"name": "Pavel Sidorenko"}])");
  upsert("new-1", R"("legal_name": "Sahel Insight Consulting", "headquarters_country": "AE",
    "contact_phones": ["007 812 555 0101"])");
  upsert("new-2", R"("legal_name": "Dune Advisory", "headquarters_country": "AE",
    "officers": [{"name": "Pavel Sidorenko"}])");
  upsert("new-3", R"("legal_name": "Oasis Analytics", "headquarters_country": "AE",
    "contact_phones": ["+7 812 555 0199"], "officers": [{"name": "Pavel Sidorov"}])");
  // The 2021 SDN file does not list Africa Politology: nothing yet.
  for (const char* id : {"old-1", "new-1", "new-2", "new-3"}) {
    EXPECT_TRUE(OverlapAlerts(*daemon_, id).empty()) << id;
  }

  // The 2024 SDN file names it: re-screened on the timer, the former
  // customer is a restricted party, and those sharing its contacts are told.
  for (const char* f : {"add.csv", "alt.csv"}) {
    Replace(lists_ / "ofac" / f, kData + "ofac_add_alt_2025-02-27/" + f);
  }
  Replace(lists_ / "ofac" / "sdn.csv", kData + "ofac_sdn_2024-05-03/sdn.csv");
  ASSERT_TRUE(Eventually([&] { return !OverlapAlerts(*daemon_, "new-2").empty(); }));
  bool listed = false;
  for (const v1::Alert& a : CustomerAlerts(*daemon_, "old-1")) {
    listed = listed || a.alert_id() == "restricted_party/customer/old-1/ofac_sdn/SDN/40577";
  }
  EXPECT_TRUE(listed);
  std::map<std::string, v1::Alert> alerts = OverlapAlerts(*daemon_, "new-1");
  ASSERT_TRUE(alerts.contains("entity_overlap/customer/new-1/customer/old-1"));
  std::map<std::string, std::string> evidence =
      EvidenceOf(alerts.at("entity_overlap/customer/new-1/customer/old-1"));
  EXPECT_EQ(evidence["listed_as"], "is listed as AFRICA POLITOLOGY (ofac_sdn SDN entry 40577)");
  EXPECT_EQ(evidence["shared"],
            "contact_phones[0] 007 812 555 0101 = contact_phones[0] +7 812 555 01 01");
  EXPECT_TRUE(
      OverlapAlerts(*daemon_, "new-2").contains("entity_overlap/customer/new-2/customer/old-1"));
  EXPECT_TRUE(OverlapAlerts(*daemon_, "new-3").empty());  // a phone and a name one off
}

// An operator's OFAC copies of different dates (the SDN file of 2024-05-03,
// the address and alias files of 2025-02-27): the list loads, screening runs
// with OFAC, and the rows of parties this sdn.csv does not list are counted
// apart, in the API, redflagctl and /metrics, not as bad rows.
TEST(ScreeningOfacDates, MixedDateFilesLoadWithOrphansCountedApart) {
  TempDir dir;
  const fs::path ofac = fs::path(dir.path()) / "ofac";
  fs::create_directories(ofac);
  Replace(ofac / "sdn.csv", kData + "ofac_sdn_2024-05-03/sdn.csv");
  Replace(ofac / "add.csv", kData + "ofac_add_alt_2025-02-27/add.csv");
  Replace(ofac / "alt.csv", kData + "ofac_add_alt_2025-02-27/alt.csv");
  auto d = DaemonProcess::Start(dir.path() + "/data", FreePorts(),
                                {"-o", "screening.ofac_sdn_file=" + (ofac / "sdn.csv").string()});
  ASSERT_TRUE(d.ok()) << d.status();
  const v1::ListInfo list = List(**d, "ofac_sdn");
  ASSERT_TRUE(list.loaded()) << list.last_error();
  EXPECT_EQ(list.entries(), 14965u);
  EXPECT_EQ(list.bad_rows(), 0u);
  EXPECT_EQ(list.orphan_rows(), 3942u);
  ASSERT_EQ(list.orphans_size(), 100);
  EXPECT_NE(list.orphans(0).message().find("is not in sdn.csv"), std::string::npos);
  EXPECT_EQ(list.orphans(0).file(), "add.csv");

  auto ctl = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {REDFLAGCTL_PATH, "--addr", (*d)->grpc_address()});
    return RunCommand(args);
  };
  CommandResult shown = ctl({"screening", "lists"});
  ASSERT_EQ(shown.exit_code, 0) << shown.output;
  EXPECT_NE(shown.output.find("  bad rows:  0\n"), std::string::npos) << shown.output;
  EXPECT_NE(shown.output.find("  orphans:   3942 rows of parties this version does not list"),
            std::string::npos)
      << shown.output;
  CommandResult hit = ctl({"screen", "Rosoboronexport"});
  ASSERT_EQ(hit.exit_code, 0) << hit.output;
  EXPECT_NE(hit.output.find("ROSOBORONEKSPORT OAO"), std::string::npos) << hit.output;
  EXPECT_NE(hit.output.find("against ofac_sdn"), std::string::npos) << hit.output;

  HttpResponse m = HttpGet((*d)->http_port(), "/metrics");
  EXPECT_NE(m.body.find("redflag_screening_list_orphan_rows{list=\"ofac_sdn\"} 3942"),
            std::string::npos);
  EXPECT_NE(m.body.find("redflag_screening_list_bad_rows{list=\"ofac_sdn\"} 0"), std::string::npos);
  EXPECT_NE(m.body.find("redflag_screening_list_loaded{list=\"ofac_sdn\"} 1"), std::string::npos);
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The list copies shipped in lists/ (what `make run` screens against) load
// dated by the date files beside them, not by the checkout's file times; the
// age that RedflagScreeningListStale watches is counted from that date.
TEST(ScreeningListDates, ShippedCopiesAreDatedByTheirDateFiles) {
  TempDir dir;
  const std::string lists = REDFLAG_SOURCE_DIR "/lists/";
  auto d = DaemonProcess::Start(dir.path() + "/data", FreePorts(),
                                {"-o", "screening.csl_file=" + lists + "csl/consolidated.csv", "-o",
                                 "screening.ofac_sdn_file=" + lists + "ofac/sdn.csv"});
  ASSERT_TRUE(d.ok()) << d.status();
  const absl::Time csl_day = absl::FromCivil(absl::CivilDay(2023, 11, 30), absl::UTCTimeZone());
  const absl::Time ofac_day = absl::FromCivil(absl::CivilDay(2024, 5, 3), absl::UTCTimeZone());
  const v1::ListInfo csl = List(**d, "csl"), ofac = List(**d, "ofac_sdn");
  ASSERT_TRUE(csl.loaded() && ofac.loaded()) << csl.last_error() << ofac.last_error();
  EXPECT_EQ(csl.published_unix_ms(), absl::ToUnixMillis(csl_day));
  EXPECT_EQ(csl.published_source(), "date file " + lists + "csl/consolidated.csv.published");
  EXPECT_EQ(ofac.published_unix_ms(), absl::ToUnixMillis(ofac_day));
  EXPECT_EQ(ofac.orphan_rows(), 3942u);

  CommandResult shown =
      RunCommand({REDFLAGCTL_PATH, "--addr", (*d)->grpc_address(), "screening", "lists"});
  ASSERT_EQ(shown.exit_code, 0) << shown.output;
  EXPECT_NE(shown.output.find("  published: 2024-05-03 (by date file " + lists +
                              "ofac/sdn.csv.published)"),
            std::string::npos)
      << shown.output;
  const std::string log = ReadAll((*d)->log_path());
  EXPECT_NE(log.find("published=2023-11-30"), std::string::npos) << log;

  // The age is counted from the list's date: over two years, whatever the
  // files' modification times.
  HttpResponse m = HttpGet((*d)->http_port(), "/metrics");
  const std::string key = "redflag_screening_list_age_seconds{list=\"ofac_sdn\"} ";
  const size_t at = m.body.find(key);
  ASSERT_NE(at, std::string::npos) << m.body;
  const double age = std::stod(m.body.substr(at + key.size()));
  EXPECT_NEAR(age, absl::ToDoubleSeconds(absl::Now() - ofac_day), 3600);
}

// Without a date file a CSL is dated by its newest entry; an unreadable date
// file is told in the log and does not keep the list from loading.
TEST(ScreeningListDates, WithoutADateFileTheNewestEntryDatesTheList) {
  TempDir dir;
  const fs::path csl = fs::path(dir.path()) / "consolidated.csv";
  Replace(csl, kData + "csl_2023-11-30/csl.csv");
  std::ofstream(csl.string() + ".published") << "sometime in November\n";
  auto d = DaemonProcess::Start(dir.path() + "/data", FreePorts(),
                                {"-o", "screening.csl_file=" + csl.string()});
  ASSERT_TRUE(d.ok()) << d.status();
  const v1::ListInfo l = List(**d, "csl");
  ASSERT_TRUE(l.loaded()) << l.last_error();
  EXPECT_EQ(l.published_source(), "newest entry date");
  EXPECT_EQ(l.published_unix_ms(),
            absl::ToUnixMillis(absl::FromCivil(absl::CivilDay(2023, 11, 16), absl::UTCTimeZone())));
  const std::string log = ReadAll((*d)->log_path());
  EXPECT_NE(log.find("list date file unreadable"), std::string::npos) << log;
  EXPECT_NE(log.find(".published: the first line must be the list's date"), std::string::npos)
      << log;
}

}  // namespace
}  // namespace redflag::testing
