// The accelerator catalog: peak dense throughput per precision, with its
// sources, for every accelerator under the names schedulers, Kubernetes and
// DCGM report. Loaded from config/accelerators.csv; pure (text in, catalog out).
#pragma once

#include <array>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "redflag/v1/common.pb.h"

namespace redflag::detectors {

inline constexpr int kPrecisions = redflag::v1::Precision_ARRAYSIZE;

struct Accelerator {
  std::string model;  // the catalog's own name, e.g. "NVIDIA H100 SXM5 80GB"
  std::string vendor;
  // Peak dense operations per second per accelerator, by v1::Precision value;
  // 0 where the accelerator has no such mode (or no published figure).
  std::array<double, kPrecisions> peak{};
  double fastest_peak = 0;  // the highest of them: the physical ceiling
  // The non-tensor (vector) pipes' peak at any precision, 0 if not given.
  double vector_peak = 0;
  redflag::v1::Precision fastest_precision = redflag::v1::PRECISION_UNSPECIFIED;
  std::string sources;  // where the figures come from
  std::string notes;
  int line = 0;  // in the catalog file
  // From the model name (Catalog::KeyOf): e.g. "h100" and "sxm".
  std::string family;
  std::string form_factor;
};

// What a reported name resolved to. `fastest` bounds the job from above;
// `slowest` is what its best and lower estimates use. They are the same entry
// unless the name leaves open variants whose peaks differ (a Slurm GRES "h100"
// may be an SXM, PCIe or NVL part); both are null for an unknown name.
struct Resolution {
  enum class Kind { kUnknown, kName, kFamily };
  Kind kind = Kind::kUnknown;
  const Accelerator* fastest = nullptr;
  const Accelerator* slowest = nullptr;
  // Why variants were left open, for the finding; empty when they were not.
  std::string ambiguity;
  // Every entry the name may be (one unless variants are left open).
  std::vector<const Accelerator*> candidates;
};

class Catalog {
 public:
  // Parses the CSV text of `file` (named in errors as "file:line: column: ...").
  // Required columns: model, vendor, fp64, fp32, tf32, bf16, fp16, fp8, int8,
  // source_url, aliases (names separated by '|'); others are ignored.
  static absl::StatusOr<Catalog> Parse(absl::string_view text, absl::string_view file);

  // The entry whose model name or alias is `reported_name`, or null. Case,
  // spaces, '-' and '_' do not matter: "NVIDIA-H100-80GB-HBM3" and
  // "Ascend910B" find "NVIDIA H100 80GB HBM3" and "Ascend 910B".
  const Accelerator* Find(absl::string_view reported_name) const;

  // A reported name as schedulers and drivers write it: first as a model name
  // or alias (Find), then by family and form factor (KeyOf), so "Tesla
  // V100-SXM2-16GB", "NVIDIA A100 80GB PCIe" and a GRES "a100" resolve too.
  Resolution Resolve(absl::string_view reported_name) const;

  // The family and form factor a name gives, ignoring vendor and product-line
  // words (NVIDIA, Tesla, AMD Instinct, Intel Habana, ...), memory sizes and
  // types (80GB, HBM3e) and anything in parentheses: "Tesla V100-SXM2-16GB" is
  // {"v100", "sxm"}, "NVIDIA H100 PCIe" {"h100", "pcie"}, "h100" {"h100", ""}.
  // Form factors: sxm (any generation), pcie, nvl, oam.
  struct NameKey {
    std::string family;
    std::string form_factor;
  };
  static NameKey KeyOf(absl::string_view name);

  // The entry with the highest peak: the upper bound for an unknown name.
  const Accelerator& MostConservative() const { return entries_[most_conservative_]; }

  const std::vector<Accelerator>& entries() const { return entries_; }

  // The form names are compared in.
  static std::string NormalizeName(absl::string_view name);

 private:
  std::vector<Accelerator> entries_;
  absl::flat_hash_map<std::string, size_t> by_name_;
  absl::flat_hash_map<std::string, std::vector<size_t>> by_family_;
  size_t most_conservative_ = 0;
};

}  // namespace redflag::detectors
