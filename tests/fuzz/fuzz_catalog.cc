// Fuzzes the accelerator catalog parser (and its CSV reader): any bytes give
// a catalog whose every entry has a positive ceiling, or a located error. The
// same bytes, as a name a scheduler reported, resolve against a fixed catalog
// to a consistent answer: a known entry, a family with its fastest and
// slowest variants, or nothing.
#include <cstddef>
#include <cstdint>
#include <string>

#include "detectors/catalog.h"

namespace {

using redflag::detectors::Catalog;
using redflag::detectors::Resolution;

const Catalog& Fixed() {
  static const Catalog* c = new Catalog(*Catalog::Parse(
      "model,vendor,fp64,fp32,tf32,bf16,fp16,fp8,int8,source_url,aliases\n"
      "NVIDIA H100 SXM5 80GB,NVIDIA,,,,9.894e14,,1.979e15,1.979e15,s,NVIDIA H100 80GB HBM3\n"
      "NVIDIA H100 PCIe 80GB,NVIDIA,,,,7.56e14,,1.513e15,1.513e15,s,\n"
      "NVIDIA A100 SXM4 80GB,NVIDIA,,,,3.12e14,,,6.24e14,s,\n"
      "Google TPU v4 (pod),Google,,,,2.75e14,,,,s,tpu-v4-podslice\n",
      "fixed.csv"));
  return *c;
}

void CheckResolution(const Catalog& c, const std::string& name) {
  const Resolution r = c.Resolve(name);
  if ((r.fastest == nullptr) != (r.slowest == nullptr)) __builtin_trap();
  if ((r.kind == Resolution::Kind::kUnknown) != (r.fastest == nullptr)) __builtin_trap();
  if (r.fastest != nullptr && r.fastest->fastest_peak < r.slowest->fastest_peak) __builtin_trap();
  if (r.fastest != r.slowest && r.ambiguity.empty()) __builtin_trap();
  if (c.Find(name) != nullptr && r.kind != Resolution::Kind::kName) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  CheckResolution(Fixed(), text);
  auto c = Catalog::Parse(text, "fuzz.csv");
  if (!c.ok()) {
    if (c.status().message().rfind("fuzz.csv", 0) != 0) __builtin_trap();
    return 0;
  }
  for (const auto& a : c->entries()) {
    if (!(a.fastest_peak > 0) || a.fastest_peak > c->MostConservative().fastest_peak) {
      __builtin_trap();
    }
    if (c->Find(a.model) == nullptr) __builtin_trap();
    CheckResolution(*c, a.model);
  }
  return 0;
}
