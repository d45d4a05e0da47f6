#include "detectors/catalog.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <tuple>

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

const Catalog& ShippedCatalog() {
  static const Catalog* c = [] {
    auto parsed = Catalog::Parse(Shipped(), "accelerators.csv");
    EXPECT_TRUE(parsed.ok()) << parsed.status();
    return new Catalog(parsed.ok() ? *std::move(parsed) : Catalog());
  }();
  return *c;
}

TEST(Catalog, ShippedCatalogLoadsWithTheFastestEntryForUnknownNames) {
  const Catalog& c = ShippedCatalog();
  EXPECT_EQ(c.entries().size(), 39u);
  for (const Accelerator& a : c.entries()) EXPECT_FALSE(a.sources.empty()) << a.model;
  // The physical ceiling for unknown names is the fastest entry there is.
  EXPECT_EQ(c.MostConservative().model, "AMD Instinct MI355X");
  EXPECT_DOUBLE_EQ(c.MostConservative().fastest_peak, 5.0332e15);
  EXPECT_EQ(c.Find("some future chip"), nullptr);
  EXPECT_EQ(c.Resolve("some future chip").kind, Resolution::Kind::kUnknown);
}

// Names as nvidia-smi/DCGM (modelName), the Kubernetes labels
// nvidia.com/gpu.product, cloud.google.com/gke-accelerator and
// cloud.google.com/gke-tpu-accelerator, AMD's and Intel's tools, Huawei's
// npu-smi, AWS Neuron and Slurm GRES types report them, each with the row it
// must resolve to, uniquely.
TEST(Catalog, NamesFleetsReallyReportResolveToTheirRow) {
  const std::pair<const char*, const char*> cases[] = {
      // nvidia-smi / DCGM modelName
      {"Tesla V100-SXM2-16GB", "NVIDIA V100 SXM2 32GB"},
      {"Tesla V100-SXM2-32GB", "NVIDIA V100 SXM2 32GB"},
      {"Tesla V100-PCIE-16GB", "NVIDIA V100 PCIe 32GB"},
      {"Tesla V100-PCIE-32GB", "NVIDIA V100 PCIe 32GB"},
      {"NVIDIA A100-SXM4-40GB", "NVIDIA A100 SXM4 40GB"},
      {"NVIDIA A100-SXM4-80GB", "NVIDIA A100 SXM4 80GB"},
      {"NVIDIA A100-PCIE-40GB", "NVIDIA A100 PCIe"},
      {"NVIDIA A100 80GB PCIe", "NVIDIA A100 PCIe"},
      {"NVIDIA A800-SXM4-80GB", "NVIDIA A800 SXM4 80GB"},
      {"NVIDIA A800 80GB PCIe", "NVIDIA A800 PCIe 80GB"},
      {"NVIDIA H100 80GB HBM3", "NVIDIA H100 SXM5 80GB"},
      {"NVIDIA H100 PCIe", "NVIDIA H100 PCIe 80GB"},
      {"NVIDIA H100 NVL", "NVIDIA H100 NVL"},
      {"NVIDIA H200", "NVIDIA H200 SXM 141GB"},
      {"NVIDIA GH200 480GB", "NVIDIA GH200 (Hopper GPU)"},
      {"NVIDIA GH200 144G HBM3e", "NVIDIA GH200 (Hopper GPU)"},
      {"NVIDIA B200", "NVIDIA B200"},
      {"NVIDIA B300 SXM6 AC", "NVIDIA B300 (Blackwell Ultra)"},
      {"NVIDIA GB200", "NVIDIA GB200 (per Blackwell GPU)"},
      {"NVIDIA H800", "NVIDIA H800 SXM5 80GB"},
      {"NVIDIA H20", "NVIDIA H20 96GB"},
      {"NVIDIA L40S", "NVIDIA L40S"},
      {"NVIDIA L40", "NVIDIA L40"},
      {"NVIDIA L4", "NVIDIA L4"},
      // Kubernetes nvidia.com/gpu.product (GPU feature discovery: dashes)
      {"Tesla-V100-SXM2-16GB", "NVIDIA V100 SXM2 32GB"},
      {"NVIDIA-A100-SXM4-80GB", "NVIDIA A100 SXM4 80GB"},
      {"NVIDIA-A100-PCIE-40GB", "NVIDIA A100 PCIe"},
      {"NVIDIA-H100-80GB-HBM3", "NVIDIA H100 SXM5 80GB"},
      {"NVIDIA-H100-PCIe", "NVIDIA H100 PCIe 80GB"},
      {"NVIDIA-H100-NVL", "NVIDIA H100 NVL"},
      {"NVIDIA-H200", "NVIDIA H200 SXM 141GB"},
      {"NVIDIA-GH200-480GB", "NVIDIA GH200 (Hopper GPU)"},
      {"NVIDIA-L40S", "NVIDIA L40S"},
      // GKE cloud.google.com/gke-accelerator
      {"nvidia-tesla-v100", "NVIDIA V100 SXM2 32GB"},
      {"nvidia-tesla-a100", "NVIDIA A100 SXM4 40GB"},
      {"nvidia-a100-80gb", "NVIDIA A100 SXM4 80GB"},
      {"nvidia-h100-80gb", "NVIDIA H100 SXM5 80GB"},
      {"nvidia-h100-mega-80gb", "NVIDIA H100 SXM5 80GB"},
      {"nvidia-h200-141gb", "NVIDIA H200 SXM 141GB"},
      {"nvidia-l4", "NVIDIA L4"},
      // TPU: cloud.google.com/gke-tpu-accelerator
      {"tpu-v3-podslice", "Google TPU v3"},
      {"tpu-v4-podslice", "Google TPU v4"},
      {"tpu-v5-lite-podslice", "Google TPU v5e"},
      {"tpu-v5p-slice", "Google TPU v5p"},
      {"tpu-v6e-slice", "Google TPU v6e (Trillium)"},
      {"tpu7x", "Google TPU v7 (Ironwood)"},
      {"TPU v4", "Google TPU v4"},
      // AWS Neuron
      {"Trainium", "AWS Trainium"},
      {"trn1", "AWS Trainium"},
      {"Trainium2", "AWS Trainium2"},
      {"trn2", "AWS Trainium2"},
      // AMD (rocm-smi card series; amd.com/gpu.product-name label)
      {"AMD Instinct MI300X", "AMD Instinct MI300X"},
      {"AMD_Instinct_MI300X_OAM", "AMD Instinct MI300X"},
      {"AMD Instinct MI250X", "AMD Instinct MI250X"},
      {"MI250X", "AMD Instinct MI250X"},
      {"AMD Instinct MI325X", "AMD Instinct MI325X"},
      // Intel Gaudi (hl-smi product names)
      {"HL-225", "Intel Gaudi 2"},
      {"Intel Gaudi 2", "Intel Gaudi 2"},
      {"Habana Gaudi2", "Intel Gaudi 2"},
      {"HL-325L", "Intel Gaudi 3"},
      // Huawei Ascend (npu-smi chip names)
      {"Ascend910", "Huawei Ascend 910 (2019)"},
      {"Ascend 910B", "Huawei Ascend 910B"},
      {"Huawei Ascend 910B", "Huawei Ascend 910B"},
      {"910B", "Huawei Ascend 910B"},
      {"Ascend910C", "Huawei Ascend 910C"},
      // Slurm GRES types, where the family has one set of peaks
      {"a100", "NVIDIA A100 SXM4 40GB"},
      {"a100_80g", "NVIDIA A100 SXM4 40GB"},
      {"a800", "NVIDIA A800 SXM4 80GB"},
      {"h200", "NVIDIA H200 SXM 141GB"},
      {"l40s", "NVIDIA L40S"},
      {"mi300x", "AMD Instinct MI300X"},
      {"gaudi3", "Intel Gaudi 3"},
  };
  const Catalog& c = ShippedCatalog();
  for (const auto& [name, model] : cases) {
    const Resolution r = c.Resolve(name);
    ASSERT_NE(r.fastest, nullptr) << name;
    EXPECT_EQ(r.fastest->model, model) << name;
    EXPECT_EQ(r.fastest, r.slowest) << name;
    EXPECT_TRUE(r.ambiguity.empty()) << name << ": " << r.ambiguity;
  }
  EXPECT_GE(std::size(cases), 40u);
  // The figures behind an H100 SXM, however it is named.
  const Accelerator& h100 = *c.Resolve("NVIDIA-H100-80GB-HBM3").fastest;
  EXPECT_DOUBLE_EQ(h100.peak[PRECISION_BF16], 9.894e14);
  EXPECT_DOUBLE_EQ(h100.fastest_peak, 1.979e15);
  EXPECT_EQ(c.Find("NVIDIA A100-SXM4-80GB")->peak[PRECISION_FP8], 0);  // Ampere has no FP8
  // Hopper parts all have FP8, the H800 and H20 included.
  for (const char* hopper :
       {"NVIDIA H800", "NVIDIA H20", "NVIDIA H100 NVL", "NVIDIA GH200 480GB"}) {
    EXPECT_GT(c.Resolve(hopper).fastest->peak[PRECISION_FP8], 0) << hopper;
  }
}

TEST(Catalog, AFamilyWhoseVariantsDifferLeavesThemOpenAndSaysSo) {
  const Catalog& c = ShippedCatalog();
  const std::tuple<const char*, const char*, const char*> cases[] = {
      {"h100", "NVIDIA H100 SXM5 80GB", "NVIDIA H100 PCIe 80GB"},
      {"NVIDIA H100", "NVIDIA H100 SXM5 80GB", "NVIDIA H100 PCIe 80GB"},
      {"H100-80GB", "NVIDIA H100 SXM5 80GB", "NVIDIA H100 PCIe 80GB"},
      {"v100", "NVIDIA V100 SXM2 32GB", "NVIDIA V100 PCIe 32GB"},
      {"Tesla V100", "NVIDIA V100 SXM2 32GB", "NVIDIA V100 PCIe 32GB"},
  };
  for (const auto& [name, fastest, slowest] : cases) {
    const Resolution r = c.Resolve(name);
    EXPECT_EQ(r.kind, Resolution::Kind::kFamily) << name;
    ASSERT_NE(r.fastest, nullptr) << name;
    EXPECT_EQ(r.fastest->model, fastest) << name;
    EXPECT_EQ(r.slowest->model, slowest) << name;
    EXPECT_NE(r.ambiguity.find("variants differ in peak"), std::string::npos) << r.ambiguity;
  }
  // A form factor the family does not have in the catalog: every variant is
  // left open, and the finding says why.
  const Resolution nvl = c.Resolve("NVIDIA H200 NVL");
  ASSERT_NE(nvl.fastest, nullptr);
  EXPECT_EQ(nvl.fastest->model, "NVIDIA H200 SXM 141GB");
  EXPECT_EQ(nvl.ambiguity, "names a nvl form of the h200 family, which the catalog does not have");
  // Names of other chips are not taken for a family they merely start like.
  for (const char* other : {"NVIDIA A10", "NVIDIA A100X", "H2000", "Tesla T4", "NVIDIA A40"}) {
    EXPECT_EQ(c.Resolve(other).fastest, nullptr) << other;
  }
}

TEST(Catalog, NameKeysIgnoreVendorMemoryAndParentheses) {
  const std::tuple<const char*, const char*, const char*> cases[] = {
      {"Tesla V100-SXM2-16GB", "v100", "sxm"},
      {"NVIDIA A100 80GB PCIe", "a100", "pcie"},
      {"NVIDIA GH200 144G HBM3e", "gh200", ""},
      {"NVIDIA GB200 (per Blackwell GPU)", "gb200", ""},
      {"AMD_Instinct_MI300X_OAM", "mi300x", "oam"},
      {"Google TPU v6e (Trillium)", "tpuv6e", ""},
      {"Intel Habana Gaudi 2", "gaudi2", ""},
  };
  for (const auto& [name, family, form] : cases) {
    const Catalog::NameKey k = Catalog::KeyOf(name);
    EXPECT_EQ(k.family, family) << name;
    EXPECT_EQ(k.form_factor, form) << name;
  }
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
  // The optional vector_peak: a peak, and no more than the fastest.
  const std::string with_vector =
      "model,vendor,fp64,fp32,tf32,bf16,fp16,fp8,int8,vector_peak,source_url,aliases\n";
  for (const auto& [row, error] :
       {std::pair{"A,V,,,,1e14,,,,2e14,src,\n", "t.csv:2: vector_peak: must be a peak"},
        std::pair{"A,V,,,,1e14,,,,x,src,\n", "t.csv:2: vector_peak: must be a peak"}}) {
    auto r = Catalog::Parse(with_vector + row, "t.csv");
    ASSERT_FALSE(r.ok()) << row;
    EXPECT_EQ(std::string(r.status().message()).rfind(error, 0), 0u) << r.status().message();
  }
  auto vector = Catalog::Parse(with_vector + "A,V,,,,1e14,,,,2e13,src,\n", "t.csv");
  ASSERT_TRUE(vector.ok()) << vector.status();
  EXPECT_DOUBLE_EQ(vector->entries()[0].vector_peak, 2e13);
  auto no_aliases =
      Catalog::Parse("model,vendor,fp64,fp32,tf32,bf16,fp16,fp8,int8,source_url\n", "t.csv");
  EXPECT_EQ(no_aliases.status().message(), "t.csv:1: the header has no column 'aliases'");
}

}  // namespace
}  // namespace redflag::detectors
