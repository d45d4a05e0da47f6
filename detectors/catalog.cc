#include "detectors/catalog.h"

#include <algorithm>
#include <cmath>
#include <iterator>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "detectors/csv.h"

namespace redflag::detectors {
namespace {

using redflag::v1::Precision;

// Column name -> precision, in the order the catalog lists them.
constexpr std::pair<const char*, Precision> kThroughputColumns[] = {
    {"fp64", redflag::v1::PRECISION_FP64}, {"fp32", redflag::v1::PRECISION_FP32},
    {"tf32", redflag::v1::PRECISION_TF32}, {"bf16", redflag::v1::PRECISION_BF16},
    {"fp16", redflag::v1::PRECISION_FP16}, {"fp8", redflag::v1::PRECISION_FP8},
    {"int8", redflag::v1::PRECISION_INT8},
};

// No accelerator comes near 10^18 operations per second; a bigger figure is a
// unit mistake (for example TFLOP/s written as FLOP/s twice).
constexpr double kMaxPeak = 1e18;

// Words that name a vendor or product line, not a chip.
constexpr absl::string_view kVendorWords[] = {"nvidia", "tesla",  "amd",    "instinct", "radeon",
                                              "intel",  "habana", "huawei", "google",   "cloud",
                                              "amazon", "aws",    "gpu"};

bool IsMemoryWord(absl::string_view w) {
  // "80gb", "16g", "141gb"; "hbm", "hbm2e", "hbm3", "hbm3e".
  if (absl::ConsumePrefix(&w, "hbm")) {
    absl::ConsumeSuffix(&w, "e");
    return w.empty() || std::all_of(w.begin(), w.end(), absl::ascii_isdigit);
  }
  if (!absl::ConsumeSuffix(&w, "gb") && !absl::ConsumeSuffix(&w, "g")) return false;
  return !w.empty() && std::all_of(w.begin(), w.end(), absl::ascii_isdigit);
}

// "sxm", "sxm2" ... "sxm5" -> "sxm"; "pcie", "nvl", "oam" as they are.
std::string FormFactorOf(absl::string_view w) {
  if (absl::ConsumePrefix(&w, "sxm")) {
    return w.empty() || std::all_of(w.begin(), w.end(), absl::ascii_isdigit) ? "sxm" : "";
  }
  if (w == "pcie" || w == "nvl" || w == "oam") return std::string(w);
  return "";
}

// Variants whose peaks agree within 1 % at every precision are one for
// estimates (A800 SXM and PCIe differ only in how their figures are rounded).
bool SamePeaks(const Accelerator& a, const Accelerator& b) {
  for (size_t p = 0; p < a.peak.size(); ++p) {
    if (std::abs(a.peak[p] - b.peak[p]) > 0.01 * std::max(a.peak[p], b.peak[p])) return false;
  }
  return true;
}

}  // namespace

Catalog::NameKey Catalog::KeyOf(absl::string_view name) {
  std::string text;
  int depth = 0;
  for (char c : name) {
    if (c == '(') ++depth;
    if (depth == 0) text.push_back(absl::ascii_tolower(static_cast<unsigned char>(c)));
    if (c == ')' && depth > 0) --depth;
  }
  NameKey key;
  for (absl::string_view w : absl::StrSplit(text, absl::ByAnyChar(" -_/\t"), absl::SkipEmpty())) {
    if (std::find(std::begin(kVendorWords), std::end(kVendorWords), w) != std::end(kVendorWords) ||
        IsMemoryWord(w)) {
      continue;
    }
    if (std::string form = FormFactorOf(w); !form.empty()) {
      key.form_factor = form;
      continue;
    }
    absl::StrAppend(&key.family, w);
  }
  return key;
}

std::string Catalog::NormalizeName(absl::string_view name) {
  std::string out;
  out.reserve(name.size());
  for (char c : name) {
    if (c == ' ' || c == '-' || c == '_' || c == '\t') continue;
    out.push_back(absl::ascii_tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

absl::StatusOr<Catalog> Catalog::Parse(absl::string_view text, absl::string_view file) {
  absl::StatusOr<std::vector<CsvRecord>> records = ParseCsv(text);
  if (!records.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(file, ": ", records.status().message()));
  }
  if (records->empty()) return absl::InvalidArgumentError(absl::StrCat(file, ": empty catalog"));
  const CsvRecord& header = records->front();
  absl::flat_hash_map<std::string, size_t> column;
  for (size_t i = 0; i < header.fields.size(); ++i) {
    column[absl::AsciiStrToLower(absl::StripAsciiWhitespace(header.fields[i]))] = i;
  }
  for (const char* required : {"model", "vendor", "fp64", "fp32", "tf32", "bf16", "fp16", "fp8",
                               "int8", "source_url", "aliases"}) {
    if (!column.contains(required)) {
      return absl::InvalidArgumentError(
          absl::StrCat(file, ":", header.line, ": the header has no column '", required, "'"));
    }
  }
  auto cell = [&](const CsvRecord& r, const char* name) -> absl::string_view {
    size_t i = column[name];
    return i < r.fields.size() ? absl::StripAsciiWhitespace(r.fields[i]) : absl::string_view();
  };

  Catalog catalog;
  absl::flat_hash_map<std::string, int> name_line;  // normalized name -> defining line
  for (size_t r = 1; r < records->size(); ++r) {
    const CsvRecord& rec = (*records)[r];
    auto error = [&](absl::string_view col, absl::string_view what) {
      return absl::InvalidArgumentError(absl::StrCat(file, ":", rec.line, ": ", col, ": ", what));
    };
    Accelerator a;
    a.line = rec.line;
    a.model = std::string(cell(rec, "model"));
    a.vendor = std::string(cell(rec, "vendor"));
    a.sources = std::string(cell(rec, "source_url"));
    if (column.contains("notes")) a.notes = std::string(cell(rec, "notes"));
    if (a.model.empty()) return error("model", "is required");
    if (a.sources.empty()) return error("source_url", "is required: every figure needs a source");
    for (const auto& [name, precision] : kThroughputColumns) {
      absl::string_view v = cell(rec, name);
      if (v.empty()) continue;
      double peak = 0;
      if (!absl::SimpleAtod(v, &peak) || !std::isfinite(peak) || peak <= 0 || peak > kMaxPeak) {
        return error(name, absl::StrCat("must be a peak in operations per second between 0 and ",
                                        "1e18, e.g. 9.894e+14, got '", v, "'"));
      }
      a.peak[static_cast<size_t>(precision)] = peak;
      if (peak > a.fastest_peak) {
        a.fastest_peak = peak;
        a.fastest_precision = precision;
      }
    }
    if (a.fastest_peak == 0) return error("fp64..int8", "no throughput figure at all");
    if (column.contains("vector_peak")) {
      absl::string_view v = cell(rec, "vector_peak");
      if (!v.empty() && (!absl::SimpleAtod(v, &a.vector_peak) || !std::isfinite(a.vector_peak) ||
                         a.vector_peak <= 0 || a.vector_peak > a.fastest_peak)) {
        return error("vector_peak", absl::StrCat("must be a peak in operations per second ",
                                                 "above 0 and at most the fastest, got '", v, "'"));
      }
    }

    std::vector<std::string> names = {NormalizeName(a.model)};
    for (absl::string_view alias :
         absl::StrSplit(cell(rec, "aliases"), '|', absl::SkipWhitespace())) {
      names.push_back(NormalizeName(alias));
    }
    const size_t index = catalog.entries_.size();
    for (const std::string& n : names) {
      if (n.empty()) continue;
      auto [it, inserted] = name_line.emplace(n, rec.line);
      if (!inserted && it->second != rec.line) {
        return error("aliases",
                     absl::StrCat("the name '", n, "' is already used on line ", it->second));
      }
      catalog.by_name_[n] = index;
    }
    NameKey key = KeyOf(a.model);
    a.family = std::move(key.family);
    a.form_factor = std::move(key.form_factor);
    if (!a.family.empty()) catalog.by_family_[a.family].push_back(index);
    catalog.entries_.push_back(std::move(a));
    if (catalog.entries_[index].fastest_peak >
        catalog.entries_[catalog.most_conservative_].fastest_peak) {
      catalog.most_conservative_ = index;
    }
  }
  if (catalog.entries_.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(file, ": the catalog has no accelerators"));
  }
  return catalog;
}

const Accelerator* Catalog::Find(absl::string_view reported_name) const {
  auto it = by_name_.find(NormalizeName(reported_name));
  return it == by_name_.end() ? nullptr : &entries_[it->second];
}

Resolution Catalog::Resolve(absl::string_view reported_name) const {
  Resolution r;
  if (const Accelerator* a = Find(reported_name); a != nullptr) {
    r.kind = Resolution::Kind::kName;
    r.fastest = r.slowest = a;
    r.candidates = {a};
    return r;
  }
  const NameKey key = KeyOf(reported_name);
  auto family = by_family_.find(key.family);
  if (key.family.empty() || family == by_family_.end()) return r;
  std::vector<const Accelerator*> candidates;
  for (size_t i : family->second) {
    if (!key.form_factor.empty() && entries_[i].form_factor == key.form_factor) {
      candidates.push_back(&entries_[i]);
    }
  }
  // A form factor the family's rows do not distinguish (an "OAM" MI300X) is
  // no ambiguity.
  const bool form_known =
      !candidates.empty() || std::all_of(family->second.begin(), family->second.end(),
                                         [&](size_t i) { return entries_[i].form_factor.empty(); });
  if (candidates.empty()) {
    for (size_t i : family->second) candidates.push_back(&entries_[i]);
  }
  r.kind = Resolution::Kind::kFamily;
  r.fastest = r.slowest = candidates.front();
  for (const Accelerator* c : candidates) {
    if (c->fastest_peak > r.fastest->fastest_peak) r.fastest = c;
    if (c->fastest_peak < r.slowest->fastest_peak) r.slowest = c;
  }
  const bool alike = std::all_of(candidates.begin(), candidates.end(),
                                 [&](const Accelerator* c) { return SamePeaks(*c, *r.fastest); });
  r.candidates = candidates;
  if (alike) {
    r.slowest = r.fastest;
    r.candidates = {r.fastest};
    if (form_known || key.form_factor.empty()) return r;
  }
  // Either variants with different peaks are left open, or the name gives a
  // form factor the catalog does not have for this family.
  r.ambiguity = form_known || key.form_factor.empty()
                    ? absl::StrCat("names the ", key.family, key.form_factor.empty() ? "" : " ",
                                   key.form_factor, " family, whose ", candidates.size(),
                                   " catalog variants differ in peak")
                    : absl::StrCat("names a ", key.form_factor, " form of the ", key.family,
                                   " family, which the catalog does not have");
  return r;
}

}  // namespace redflag::detectors
