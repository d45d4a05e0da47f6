// Screening speed on one core: loads a Consolidated Screening List file (or
// an OFAC folder with sdn.csv, add.csv and alt.csv), indexes every name and
// alias, then screens (normalisation included) every listed name as written,
// the same names with one letter changed, and names of made-up companies and
// people that match nothing. Prints one JSON line.
//   redflag_screening_bench CSL_FILE|OFAC_DIR [--rounds N]
#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "detectors/screening/csl_parser.h"
#include "detectors/screening/ofac_parser.h"
#include "detectors/screening/screening_index.h"

using namespace redflag::screening;
using Clock = std::chrono::steady_clock;

namespace {

size_t HeapBytes() { return mallinfo2().uordblks; }

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  size_t i = std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())));
  std::nth_element(v.begin(), v.begin() + static_cast<long>(i), v.end());
  return v[i];
}

// Names that match nothing on the list: made-up companies and people.
std::vector<std::string> Unlisted(size_t n, std::mt19937& rng) {
  const char* first[] = {"Northwind",  "Bluewater", "Granite",   "Silverline",
                         "Harbor",     "Maple",     "Summit",    "Cedar",
                         "Brightpath", "Ironwood",  "Clearview", "Redstone"};
  const char* second[] = {"Analytics", "Logistics", "Robotics", "Foods",    "Partners", "Media",
                          "Systems",   "Labs",      "Capital",  "Networks", "Motors",   "Studios"};
  const char* given[] = {"Emily", "James", "Olivia", "Liam", "Sophie", "Noah", "Grace", "Lucas"};
  const char* family[] = {"Harper", "Whitfield", "Lindqvist", "Okafor", "Brennan", "Castillo"};
  std::vector<std::string> out;
  for (size_t i = 0; i < n; ++i) {
    if (i % 3 == 2) {
      out.push_back(absl::StrFormat("%s %s", given[rng() % 8], family[rng() % 6]));
    } else {
      out.push_back(absl::StrFormat("%s %s %s Inc.", first[rng() % 12], second[rng() % 12],
                                    second[rng() % 12]));
    }
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s CSL_FILE|OFAC_DIR [--rounds N]\n", argv[0]);
    return 2;
  }
  int rounds = 3;
  if (argc >= 4 && std::string(argv[2]) == "--rounds") rounds = std::max(1, std::atoi(argv[3]));
  auto read = [](const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  };
  const std::string path = argv[1];
  const bool ofac = std::filesystem::is_directory(path);
  const std::string text = ofac ? "" : read(path);
  const std::string sdn = ofac ? read(path + "/sdn.csv") : "";
  const std::string add = ofac ? read(path + "/add.csv") : "";
  const std::string alt = ofac ? read(path + "/alt.csv") : "";

  auto normalizer = NameNormalizer::Create();
  if (!normalizer.ok()) return 1;
  const size_t heap_before = HeapBytes();
  const auto t0 = Clock::now();
  auto list = ofac ? ParseOfac(sdn, add, alt) : ParseCsl(text);
  if (!list.ok()) {
    std::fprintf(stderr, "%s\n", std::string(list.status().message()).c_str());
    return 1;
  }
  auto index = ScreeningIndex::Build(std::move(*list), **normalizer);
  const double load_ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
  // The loaded list: its entries as parsed plus the index.
  const size_t heap_loaded = HeapBytes() - heap_before;
  std::vector<std::string> listed;
  for (const ListEntry& e : index->entries()) {
    listed.push_back(e.name);
    listed.insert(listed.end(), e.aliases.begin(), e.aliases.end());
  }

  std::mt19937 rng(42);
  std::vector<std::string> typos;
  for (const std::string& name : listed) {
    std::string t = name;
    size_t i = rng() % t.size();
    if (std::isalpha(static_cast<unsigned char>(t[i]))) t[i] = t[i] == 'e' ? 'a' : 'e';
    typos.push_back(std::move(t));
  }
  const std::vector<std::string> unlisted = Unlisted(listed.size(), rng);

  ScreeningOptions options;
  struct Kind {
    const char* name;
    const std::vector<std::string>* queries;
    std::vector<double> us;
    size_t with_hits = 0;
  } kinds[] = {
      {"listed", &listed, {}}, {"one_letter_changed", &typos, {}}, {"unlisted", &unlisted, {}}};
  std::vector<double> all_us;
  const auto start = Clock::now();
  size_t screenings = 0;
  for (int r = 0; r < rounds; ++r) {
    for (Kind& k : kinds) {
      for (const std::string& q : *k.queries) {
        const auto a = Clock::now();
        std::vector<Hit> hits = index->Screen((*normalizer)->Normalize(q), "", options);
        const double us = std::chrono::duration<double, std::micro>(Clock::now() - a).count();
        k.us.push_back(us);
        all_us.push_back(us);
        if (r == 0 && !hits.empty()) ++k.with_hits;
        ++screenings;
      }
    }
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::printf(
      "{\"entries\": %zu, \"names\": %zu, \"load_ms\": %.0f, \"loaded_mib\": %.1f, "
      "\"screenings\": %zu, \"screenings_per_s\": %.0f, \"p50_us\": %.1f, \"p99_us\": %.1f, "
      "\"max_us\": %.1f",
      index->entries().size(), listed.size(), load_ms, heap_loaded / 1048576.0, screenings,
      screenings / seconds, Percentile(all_us, 0.5), Percentile(all_us, 0.99),
      *std::max_element(all_us.begin(), all_us.end()));
  for (const Kind& k : kinds) {
    std::printf(
        ", \"%s\": {\"queries\": %zu, \"with_hits\": %zu, \"p50_us\": %.1f, \"p99_us\": %.1f}",
        k.name, k.queries->size(), k.with_hits, Percentile(k.us, 0.5), Percentile(k.us, 0.99));
  }
  std::printf("}\n");
  return 0;
}
