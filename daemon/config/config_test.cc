#include "daemon/config/config.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "daemon/config/policy_profile.h"

namespace redflag {
namespace {

TEST(Config, DefaultsAreThoseOfTheDocumentation) {
  auto c = ParseConfig("", "test.yaml", {});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->grpc_listen, "127.0.0.1:50051");
  EXPECT_EQ(c->http_listen, "127.0.0.1:9464");
  EXPECT_EQ(c->data_dir, "./var/data");
  EXPECT_EQ(c->durability, Durability::kFsync);
}

TEST(Config, ShippedDefaultFileParsesToTheBuiltInDefaults) {
  std::ifstream in(std::string(REDFLAG_SOURCE_DIR) + "/config/redflagd.yaml");
  std::stringstream text;
  text << in.rdbuf();
  auto file = ParseConfig(text.str(), "config/redflagd.yaml", {});
  ASSERT_TRUE(file.ok()) << file.status();
  auto builtin = ParseConfig("", "", {});
  EXPECT_EQ(file->grpc_listen, builtin->grpc_listen);
  EXPECT_EQ(file->data_dir, builtin->data_dir);
  EXPECT_EQ(file->limits.max_sample_window, builtin->limits.max_sample_window);
  EXPECT_EQ(file->limits.min_event_time, builtin->limits.min_event_time);
  EXPECT_EQ(file->limits.queue_batches, builtin->limits.queue_batches);
  EXPECT_EQ(file->compute.catalog_file, builtin->compute.catalog_file);
  EXPECT_EQ(file->compute.utilization_prior, builtin->compute.utilization_prior);
  EXPECT_EQ(file->compute.projection_horizon, builtin->compute.projection_horizon);
  EXPECT_EQ(file->compute.level_info, builtin->compute.level_info);
  EXPECT_EQ(file->compute.level_critical, builtin->compute.level_critical);
  // Only the lists differ: the shipped file screens against the copies in
  // lists/, the built-in default against none.
  EXPECT_EQ(file->screening.csl_file, "lists/csl/consolidated.csv");
  EXPECT_EQ(file->screening.ofac_sdn_file, "lists/ofac/sdn.csv");
  EXPECT_EQ(builtin->screening.csl_file, "");
  EXPECT_TRUE(
      std::filesystem::exists(std::string(REDFLAG_SOURCE_DIR) + "/" + file->screening.csl_file));
  EXPECT_TRUE(std::filesystem::exists(std::string(REDFLAG_SOURCE_DIR) + "/" +
                                      file->screening.ofac_sdn_file));
  EXPECT_EQ(file->screening.threshold, builtin->screening.threshold);
  EXPECT_EQ(file->screening.reload_check_interval, builtin->screening.reload_check_interval);
  EXPECT_EQ(file->screening.max_bad_row_fraction, builtin->screening.max_bad_row_fraction);
  EXPECT_EQ(file->screening.min_kept_fraction, builtin->screening.min_kept_fraction);
  EXPECT_EQ(file->policy.country_groups_file, builtin->policy.country_groups_file);
  EXPECT_EQ(file->policy.hong_kong_as_china, builtin->policy.hong_kong_as_china);
  EXPECT_EQ(file->policy.bis_affiliates_rule, builtin->policy.bis_affiliates_rule);
  EXPECT_EQ(file->policy.profile, builtin->policy.profile);
  EXPECT_EQ(file->kyc.threshold, builtin->kyc.threshold);
  EXPECT_EQ(file->kyc.large_request_accelerators, builtin->kyc.large_request_accelerators);
  EXPECT_EQ(file->kyc.weight_listed_officer, builtin->kyc.weight_listed_officer);
  EXPECT_EQ(file->kyc.weight_no_web_presence, builtin->kyc.weight_no_web_presence);
  EXPECT_EQ(file->kyc.weight_third_party_payment, builtin->kyc.weight_third_party_payment);
  EXPECT_EQ(file->kyc.weight_young_domain, builtin->kyc.weight_young_domain);
  EXPECT_EQ(file->policy.rules, builtin->policy.rules);
  EXPECT_EQ(file->clusters.inventory_file, builtin->clusters.inventory_file);
  EXPECT_EQ(file->decisions.licence_notice, builtin->decisions.licence_notice);
  EXPECT_EQ(file->policy.reportable_runs_by_lineage, builtin->policy.reportable_runs_by_lineage);
  EXPECT_EQ(file->policy.foreign_record_due_days, builtin->policy.foreign_record_due_days);
  EXPECT_EQ(file->policy.rf28_level, builtin->policy.rf28_level);
  EXPECT_EQ(file->policy.rf28_pre_alert_fraction, builtin->policy.rf28_pre_alert_fraction);
  EXPECT_EQ(file->policy.access_window, builtin->policy.access_window);
  EXPECT_EQ(file->policy.access_min_events, builtin->policy.access_min_events);
  EXPECT_EQ(file->policy.access_flagged_share, builtin->policy.access_flagged_share);
}

TEST(Config, PolicyProfilesSayWhichRulesRunAndAreRecordedWithAVersion) {
  auto c = ParseConfig("", "t.yaml", {});
  PolicyProfile p = ResolvePolicyProfile(c->policy);
  EXPECT_EQ(p.Label(), "may_2025_guidance@2025-05-13");
  EXPECT_FALSE(p.rf28);
  EXPECT_TRUE(p.adversary_linked_training);
  p = ResolvePolicyProfile(ParseConfig("policy:\n  profile: ai_diffusion_2025\n", "t", {})->policy);
  EXPECT_EQ(p.Label(), "ai_diffusion_2025@2025-01-15");
  EXPECT_TRUE(p.rf28);
  auto custom = ParseConfig(
      "policy:\n  profile: custom\n  rules: rf28, adversary_linked_training\n", "t", {});
  ASSERT_TRUE(custom.ok()) << custom.status();
  p = ResolvePolicyProfile(custom->policy);
  EXPECT_TRUE(p.rf28 && p.adversary_linked_training);
  EXPECT_EQ(p.name, "custom");
  EXPECT_EQ(p.version.size(), 12u);
  // Another custom setting is another version.
  auto other = ParseConfig("policy:\n  profile: custom\n  rules: rf28\n", "t", {});
  EXPECT_NE(ResolvePolicyProfile(other->policy).version, p.version);
  auto bad = ParseConfig("policy:\n  profile: strict\n  rules: rf28, rf99\n", "t.yaml", {});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find(
                "policy.profile: must be one of may_2025_guidance, ai_diffusion_2025, eo_14110, "
                "custom, got 'strict'"),
            std::string::npos);
  EXPECT_NE(bad.status().message().find("policy.rules: unknown rule 'rf99'"), std::string::npos);
}

// The reporting duties of R4 and R5 follow the profile: the proposed rules by
// default, EO 14110's lower thresholds under its profile, and for a custom
// profile only those it names.
TEST(Config, PolicyProfilesCarryTheirReportingDutiesWithTheirSources) {
  PolicyProfile p = ResolvePolicyProfile(ParseConfig("", "t", {})->policy);
  EXPECT_TRUE(p.reporting.runs.on);
  EXPECT_FALSE(p.reporting.biological_sequence_runs.on);
  EXPECT_EQ(p.reporting.clusters.interconnect_gbit_s, 300);
  EXPECT_EQ(p.reporting.clusters.source.status, "proposed");
  EXPECT_EQ(p.reporting.foreign_person_records.due_days, 15);
  EXPECT_EQ(p.reporting.foreign_person_records.due_source.status, "unconfirmed");
  auto eo = ParseConfig("policy:\n  profile: eo_14110\n", "t", {});
  ASSERT_TRUE(eo.ok()) << eo.status();
  p = ResolvePolicyProfile(eo->policy);
  EXPECT_EQ(p.Label(), "eo_14110@2023-10-30");
  EXPECT_FALSE(p.rf28 || p.adversary_linked_training || p.weight_egress);
  EXPECT_TRUE(p.reporting.biological_sequence_runs.on);
  EXPECT_EQ(p.reporting.biological_sequence_runs.operations, 1e23);
  EXPECT_EQ(p.reporting.clusters.interconnect_gbit_s, 100);
  EXPECT_EQ(p.reporting.clusters.source.status, "revoked");
  auto custom = ParseConfig(
      "policy:\n  profile: custom\n  rules: reportable_clusters, biological_sequence_runs\n", "t",
      {});
  ASSERT_TRUE(custom.ok()) << custom.status();
  p = ResolvePolicyProfile(custom->policy);
  EXPECT_TRUE(p.reporting.clusters.on && p.reporting.biological_sequence_runs.on);
  EXPECT_FALSE(p.reporting.runs.on || p.reporting.foreign_person_records.on);
}

TEST(Config, ScreeningAndPolicySettingsAreValidated) {
  auto c = ParseConfig(
      "screening:\n  csl_file: /lists/consolidated.csv\n  threshold: 0.9\npolicy:\n"
      "  hong_kong_as_china: false\n  access_window: 168h\n  access_min_events: 5\n"
      "  structuring_window: 8760h\n",
      "t.yaml", {});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->policy.structuring_window, absl::Hours(8760));
  EXPECT_EQ(c->screening.csl_file, "/lists/consolidated.csv");
  EXPECT_EQ(c->screening.threshold, 0.9);
  EXPECT_FALSE(c->policy.hong_kong_as_china);
  EXPECT_EQ(c->policy.access_window, absl::Hours(168));
  EXPECT_EQ(c->policy.access_min_events, 5u);
  auto bad = ParseConfig(
      "screening:\n  threshold: 1.5\npolicy:\n  hong_kong_as_china: yes\n"
      "  access_flagged_share: 0\n  country_groups_file: \"\"\n  structuring_window: 1h\n",
      "t.yaml", {});
  ASSERT_FALSE(bad.ok());
  for (const char* want : {"t.yaml:2:3: screening.threshold: must be a number between 0.5 and 1",
                           "policy.hong_kong_as_china: must be true or false, got 'yes'",
                           "policy.access_flagged_share: must be a number between 0.01 and 1",
                           "policy.country_groups_file: must not be empty",
                           "policy.structuring_window: must be between 24h and 87840h, got 1h"}) {
    EXPECT_NE(bad.status().message().find(want), std::string::npos) << want << "\n" << bad.status();
  }
}

TEST(Config, ComputeSettingsAndLevelsAreValidated) {
  auto c = ParseConfig("compute:\n  level_warning: 2e25\n  utilization_prior: 0.4\n", "t.yaml", {});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->compute.level_warning, 2e25);
  EXPECT_EQ(c->compute.utilization_prior, 0.4);
  EXPECT_EQ(c->compute.level_critical, 1e26);
  auto unordered = ParseConfig("compute:\n  level_high: 1e27\n", "t.yaml", {});
  ASSERT_FALSE(unordered.ok());
  EXPECT_NE(unordered.status().message().find("compute.level_*: must rise"), std::string::npos)
      << unordered.status();
  auto bad = ParseConfig("compute:\n  count_synthetic_data: maybe\n", "t.yaml", {});
  EXPECT_NE(bad.status().message().find("t.yaml:2:"), std::string::npos) << bad.status();
  EXPECT_NE(bad.status().message().find("compute.count_synthetic_data: must be true or false"),
            std::string::npos)
      << bad.status();
}

TEST(Config, ParsesValuesAndDurations) {
  auto c = ParseConfig(
      "storage:\n  durability: group_commit\n  wal_sync_interval: 250ms\n"
      "ingest:\n  max_sample_window: 10m\n  min_event_time: 2020-01-01T00:00:00Z\n",
      "t.yaml", {});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->durability, Durability::kGroupCommit);
  EXPECT_EQ(c->wal_sync_interval, absl::Milliseconds(250));
  EXPECT_EQ(c->limits.max_sample_window, absl::Minutes(10));
  EXPECT_EQ(c->limits.min_event_time, absl::FromUnixSeconds(1577836800));
}

TEST(Config, EveryErrorNamesFileLineAndKey) {
  auto c =
      ParseConfig("grpc:\n  listen: nowhere\nstorage:\n  durability: sometimes\n  colour: blue\n",
                  "x.yaml", {});
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
  const std::string msg(c.status().message());
  EXPECT_NE(msg.find("x.yaml:2:3: grpc.listen: must be host:port"), std::string::npos) << msg;
  EXPECT_NE(msg.find("x.yaml:4:3: storage.durability: must be one of fsync, group_commit"),
            std::string::npos)
      << msg;
  EXPECT_NE(msg.find("x.yaml:5:3: storage.colour: unknown key"), std::string::npos) << msg;
}

TEST(Config, OutOfRangeAndMalformedValuesAreRejected) {
  for (const char* bad :
       {"ingest:\n  max_batch_samples: 0\n", "ingest:\n  max_batch_samples: -5\n",
        "ingest:\n  max_sample_window: forever\n", "ingest:\n  min_event_time: yesterday\n",
        "log:\n  level: loud\n", "grpc:\n  listen: [a, b]\n", "grpc:\n  listen:\n"}) {
    auto c = ParseConfig(bad, "b.yaml", {});
    EXPECT_FALSE(c.ok()) << bad;
    EXPECT_NE(std::string(c.status().message()).find("b.yaml:"), std::string::npos) << c.status();
  }
}

TEST(Config, BrokenYamlIsLocated) {
  auto c = ParseConfig("grpc:\n  listen: [unclosed\n", "y.yaml", {});
  ASSERT_FALSE(c.ok());
  EXPECT_NE(std::string(c.status().message()).find("y.yaml:"), std::string::npos) << c.status();
  EXPECT_NE(std::string(c.status().message()).find("not valid YAML"), std::string::npos);
}

TEST(Config, AQuoteLeftOpenIsLocatedEvenWhereYamlWouldFoldTheRestIntoIt) {
  // yaml-cpp reads `"/tmp/abc` to the end of the file as "/tmp/abc " and
  // would start with a data dir nobody wrote.
  auto c = ParseConfig("log:\n  level: info\nstorage:\n  data_dir: \"/tmp/abc\n", "q.yaml", {});
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().message(),
            "q.yaml:4:13: storage.data_dir: the value's \" is not closed on its line");
  c = ParseConfig("storage:\n  data_dir: 'var/x\n", "q.yaml", {});
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("q.yaml:2:13: storage.data_dir: the value's ' is not closed"),
            std::string::npos)
      << c.status();
  // Closed quotes, with escapes and doubled single quotes inside, are fine.
  c = ParseConfig("storage:\n  data_dir: \"var/\\\"d\\\"\"\nlog:\n  level: 'info'\n", "q.yaml", {});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->data_dir, "var/\"d\"");
  c = ParseConfig("storage:\n  data_dir: 'it''s'  # comment\n", "q.yaml", {});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->data_dir, "it's");
}

TEST(Config, AKeyGivenTwiceIsAnErrorNamingBothPlaces) {
  auto c = ParseConfig("storage:\n  data_dir: /a\n  data_dir: /b\n", "d.yaml", {});
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().message(),
            "d.yaml:3:3: storage.data_dir: given twice (first at d.yaml:2:3); keep one");
  // A section given twice is a duplicate as well, even with other keys in it.
  c = ParseConfig("storage:\n  data_dir: /a\nlog:\n  level: warn\nstorage:\n  durability: fsync\n",
                  "d.yaml", {});
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("d.yaml:5:1: storage: given twice (first at d.yaml:1:1)"),
            std::string::npos)
      << c.status();
  // The command line may still override a key of the file.
  c = ParseConfig("storage:\n  data_dir: /a\n", "d.yaml", {"storage.data_dir=/b"});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->data_dir, "/b");
}

TEST(Config, CommandLineOverridesWinAndAreValidatedToo) {
  auto c = ParseConfig("storage:\n  durability: fsync\n", "f.yaml",
                       {"storage.durability=group_commit", "grpc.listen=127.0.0.1:0"});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->durability, Durability::kGroupCommit);
  EXPECT_EQ(c->grpc_listen, "127.0.0.1:0");
  auto bad = ParseConfig("", "f.yaml", {"storage.durability=maybe"});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(std::string(bad.status().message()).find("command line (-o storage.durability=maybe)"),
            std::string::npos)
      << bad.status();
  EXPECT_FALSE(ParseConfig("", "f.yaml", {"novalue"}).ok());
}

TEST(Config, MissingFileIsReported) {
  auto c = LoadConfig("/nonexistent/redflagd.yaml", {});
  EXPECT_EQ(c.status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace redflag
