// Estimation speed on one core, as the compute pass runs it (no formulas):
// loads the shipped catalog and estimates a job under each kind of reported
// name: a model name or alias (Find), a name found by family and form factor
// (NVIDIA A100 40GB PCIe), a family name whose variants differ (h100), and a
// name the catalog does not know. Prints one JSON line, ns per estimate.
//   redflag_estimate_bench CATALOG_CSV [--rounds N]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/str_format.h"
#include "detectors/catalog.h"
#include "detectors/estimate.h"

using namespace redflag::detectors;
using Clock = std::chrono::steady_clock;

namespace {

JobFacts Job(const char* name) {
  JobFacts f;
  f.accelerator_model = name;
  f.precision = redflag::v1::PRECISION_BF16;
  f.totals.accelerator_ms = 3'600'000'000;
  f.totals.accelerator_ms_by_precision[redflag::v1::PRECISION_BF16] = f.totals.accelerator_ms;
  f.totals.tensor_measured_accelerator_ms = f.totals.accelerator_ms;
  f.totals.tensor_active_accelerator_ms = 0.4 * static_cast<double>(f.totals.accelerator_ms);
  f.declared_parameters = 70'000'000'000;
  f.totals.tokens = 3'000'000'000;
  return f;
}

double NsPerEstimate(const Catalog& c, const char* name, int rounds, double* sink) {
  const JobFacts f = Job(name);
  EstimatorOptions options;
  options.explain = false;
  const auto start = Clock::now();
  for (int i = 0; i < rounds; ++i) *sink += EstimateJob(f, c, options).ops.upper;
  return std::chrono::duration<double, std::nano>(Clock::now() - start).count() / rounds;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: redflag_estimate_bench CATALOG_CSV [--rounds N]\n");
    return 2;
  }
  int rounds = 1'000'000;
  if (argc == 4 && std::strcmp(argv[2], "--rounds") == 0) rounds = std::atoi(argv[3]);
  std::ifstream in(argv[1]);
  std::stringstream text;
  text << in.rdbuf();
  auto catalog = Catalog::Parse(text.str(), argv[1]);
  if (!catalog.ok()) {
    std::fprintf(stderr, "%s\n", std::string(catalog.status().message()).c_str());
    return 1;
  }
  double sink = 0;
  const double by_name = NsPerEstimate(*catalog, "NVIDIA-H100-80GB-HBM3", rounds, &sink);
  const double by_family = NsPerEstimate(*catalog, "NVIDIA A100 40GB PCIe", rounds, &sink);
  const double variants = NsPerEstimate(*catalog, "h100", rounds, &sink);
  const double unknown = NsPerEstimate(*catalog, "Mystery Accelerator 9000", rounds, &sink);
  std::printf("%s\n", absl::StrFormat("{\"rounds\": %d, \"ns_per_estimate\": {\"by_name\": %.0f, "
                                      "\"by_family\": %.0f, \"family_variants\": %.0f, "
                                      "\"unknown\": %.0f}, \"checksum\": %.3g}",
                                      rounds, by_name, by_family, variants, unknown, sink)
                          .c_str());
  return 0;
}
