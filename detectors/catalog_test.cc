#include "detectors/catalog.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace redflag::detectors {
namespace {

using redflag::v1::PRECISION_BF16;
using redflag::v1::PRECISION_FP8;
using redflag::v1::PRECISION_INT8;

constexpr char kHeader[] = "model,vendor,fp64,fp32,tf32,bf16,fp16,fp8,int8,source_url,aliases\n";

std::string Shipped() {
  std::ifstream f(std::string(REDFLAG_SOURCE_DIR) + "/config/accelerators.csv");
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

TEST(Catalog, ShippedCatalogLoadsAndFindsReportedNames) {
  auto c = Catalog::Parse(Shipped(), "accelerators.csv");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->entries().size(), 29u);
  // How nvidia-smi / DCGM, the Kubernetes GPU feature label and a Slurm GRES
  // type name the same H100 SXM.
  for (const char* name :
       {"NVIDIA H100 80GB HBM3", "NVIDIA-H100-80GB-HBM3", "h100", "H100-SXM5-80GB"}) {
    const Accelerator* a = c->Find(name);
    ASSERT_NE(a, nullptr) << name;
    EXPECT_EQ(a->model, "NVIDIA H100 SXM5 80GB");
    EXPECT_DOUBLE_EQ(a->peak[PRECISION_BF16], 9.894e14);
    EXPECT_DOUBLE_EQ(a->fastest_peak, 1.979e15);
    EXPECT_FALSE(a->sources.empty());
  }
  EXPECT_EQ(c->Find("tpu-v5p-slice")->model, "Google TPU v5p");
  EXPECT_EQ(c->Find("NVIDIA A100-SXM4-80GB")->model, "NVIDIA A100 SXM4 80GB");
  EXPECT_EQ(c->Find("NVIDIA A100-SXM4-80GB")->peak[PRECISION_FP8], 0);  // Ampere has no FP8
  EXPECT_EQ(c->Find("some future chip"), nullptr);
  // The physical ceiling for unknown names is the fastest entry there is.
  EXPECT_EQ(c->MostConservative().model, "NVIDIA GB200 (per Blackwell GPU)");
  EXPECT_DOUBLE_EQ(c->MostConservative().fastest_peak, 5e15);
}

TEST(Catalog, FastestPrecisionMayBeIntegerOperations) {
  auto c = Catalog::Parse(std::string(kHeader) + "X1,V,,,,1e14,,,4e14,src,x-one\n", "t.csv");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->Find("X ONE")->fastest_precision, PRECISION_INT8);
  EXPECT_DOUBLE_EQ(c->Find("x_one")->fastest_peak, 4e14);
}

TEST(Catalog, ErrorsNameFileLineAndColumn) {
  struct Case {
    std::string body;
    std::string error;
  };
  const Case cases[] = {
      {"A,V,,,,abc,,,,src,\n", "t.csv:2: bf16: must be a peak in operations per second"},
      {"A,V,,,,-1,,,,src,\n", "t.csv:2: bf16: must be a peak"},
      {"A,V,,,,1e300,,,,src,\n", "t.csv:2: bf16: must be a peak"},
      {"A,V,,,,,,,,src,\n", "t.csv:2: fp64..int8: no throughput figure at all"},
      {",V,,,,1e14,,,,src,\n", "t.csv:2: model: is required"},
      {"A,V,,,,1e14,,,,,\n", "t.csv:2: source_url: is required"},
      {"A,V,,,,1e14,,,,src,a1\nB,V,,,,1e14,,,,src,A-1\n",
       "t.csv:3: aliases: the name 'a1' is already used on line 2"},
  };
  for (const Case& c : cases) {
    auto r = Catalog::Parse(std::string(kHeader) + c.body, "t.csv");
    ASSERT_FALSE(r.ok()) << c.body;
    EXPECT_EQ(std::string(r.status().message()).rfind(c.error, 0), 0u)
        << r.status().message() << "\nwanted: " << c.error;
  }
  auto no_aliases =
      Catalog::Parse("model,vendor,fp64,fp32,tf32,bf16,fp16,fp8,int8,source_url\n", "t.csv");
  EXPECT_EQ(no_aliases.status().message(), "t.csv:1: the header has no column 'aliases'");
}

}  // namespace
}  // namespace redflag::detectors
