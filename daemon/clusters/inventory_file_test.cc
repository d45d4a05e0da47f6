#include "daemon/clusters/inventory_file.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace redflag {
namespace {

std::string Error(const std::string& text) {
  auto parsed = ParseInventoryFile(text, "inv.yaml");
  EXPECT_FALSE(parsed.ok());
  return std::string(parsed.status().message());
}

TEST(InventoryFile, TheShippedExampleParses) {
  std::ifstream f(std::string(REDFLAG_SOURCE_DIR) + "/examples/clusters.yaml");
  std::stringstream ss;
  ss << f.rdbuf();
  auto parsed = ParseInventoryFile(ss.str(), "clusters.yaml");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  ASSERT_EQ(parsed->size(), 3u);
  EXPECT_EQ((*parsed)[1].effective_date(), "2026-10-01");
  EXPECT_EQ((*parsed)[1].accelerators(0).count(), 60000u);
  EXPECT_EQ((*parsed)[2].accelerators_size(), 2);
  EXPECT_EQ((*parsed)[2].interconnect_gbit_s(), 200);
}

TEST(InventoryFile, AnEmptyFileIsAnEmptyInventoryAndJsonIsRead) {
  EXPECT_TRUE(ParseInventoryFile("", "inv.yaml")->empty());
  auto json = ParseInventoryFile(
      R"({"clusters": [{"cluster_id": "c1", "interconnect_gbit_s": 100,
           "accelerators": [{"model": "h100", "count": 8}]}]})",
      "inv.json");
  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_EQ(json->front().cluster_id(), "c1");
}

// Every mistake names the file, the line and the field.
TEST(InventoryFile, MistakesAreNamedWithTheirLineAndField) {
  EXPECT_EQ(Error("clusters:\n  - cluster_id: c1\n    gpus: 8\n"),
            "inv.yaml:3: clusters[0].gpus: unknown key (accelerators, cluster_id, datacenter, "
            "effective_date, interconnect_gbit_s, region, retired)");
  EXPECT_EQ(Error("clusters:\n  - cluster_id: c1\n    accelerators:\n      - {model: h100, "
                  "count: eight}\n"),
            "inv.yaml:4: clusters[0].accelerators[0].count: must be a whole number");
  EXPECT_EQ(Error("clusters:\n  - cluster_id: c1\n    accelerators:\n      - {model: h100, "
                  "count: 0}\n"),
            "inv.yaml:2: clusters[0]: cluster.accelerators[0].count: must be 1 to 10,000,000, "
            "got 0");
  EXPECT_EQ(Error("clusters:\n  - cluster_id: c1\n    effective_date: 2026-13-01\n    "
                  "accelerators: [{model: h100, count: 1}]\n"),
            "inv.yaml:2: clusters[0]: cluster.effective_date: must be a date YYYY-MM-DD from 2015 "
            "to 2100, got '2026-13-01'");
  EXPECT_EQ(Error("clusters:\n  - cluster_id: c1\n    interconnect_gbit_s: fast\n"),
            "inv.yaml:3: clusters[0].interconnect_gbit_s: must be a number");
  EXPECT_EQ(Error("clusters: c1\n"), "inv.yaml:1: clusters: must be a list");
  EXPECT_EQ(Error("hosts: []\n"), "inv.yaml:1: the file.hosts: unknown key (clusters)");
  EXPECT_EQ(Error("clusters:\n  - cluster_id: c1\n    cluster_id: c2\n"),
            "inv.yaml:3: clusters[0].cluster_id: given twice");
  EXPECT_NE(Error("clusters: [\n").find("inv.yaml:"), std::string::npos);
  EXPECT_NE(Error("clusters: [\n").find("not valid YAML"), std::string::npos);
}

TEST(InventoryFile, TheSameClusterAndDayTwiceIsRefused) {
  const std::string one =
      "  - cluster_id: c1\n    effective_date: \"2026-07-01\"\n    accelerators: [{model: h100, "
      "count: 1}]\n";
  EXPECT_EQ(Error("clusters:\n" + one + one),
            "inv.yaml:5: clusters[1]: cluster c1 with effective date '2026-07-01' is given twice "
            "(first at inv.yaml:2)");
}

TEST(InventoryFile, OversizedAndDeepFilesAreRefusedWithoutACrash) {
  EXPECT_EQ(Error(std::string(kMaxInventoryBytes + 1, ' ')), "inv.yaml: larger than 16 MiB");
  std::string deep = "clusters: " + std::string(100'000, '[');
  EXPECT_FALSE(ParseInventoryFile(deep, "inv.yaml").ok());
  std::string many = "clusters:\n";
  for (size_t i = 0; i <= kMaxInventoryClusters; ++i) {
    many +=
        "  - {cluster_id: c" + std::to_string(i) + ", accelerators: [{model: h100, count: 1}]}\n";
  }
  EXPECT_EQ(Error(many), "inv.yaml: clusters: more than 10000 entries");
}

}  // namespace
}  // namespace redflag
