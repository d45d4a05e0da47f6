#include "detectors/catalog.h"

#include <cmath>

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

}  // namespace

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

}  // namespace redflag::detectors
