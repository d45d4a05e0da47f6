// The real list files under tests/data/screening, parsed and indexed once per
// test binary.
#pragma once

#include <fstream>
#include <sstream>
#include <string>

#include "detectors/screening/csl_parser.h"
#include "detectors/screening/ofac_parser.h"
#include "detectors/screening/screening_index.h"
#include "gtest/gtest.h"

namespace redflag::screening::testing {

inline std::string ReadTestFile(const std::string& relative) {
  std::ifstream in(std::string(REDFLAG_SOURCE_DIR) + "/tests/data/screening/" + relative,
                   std::ios::binary);
  EXPECT_TRUE(in.good()) << relative;
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

inline NameNormalizer& TestNormalizer() {
  static NameNormalizer* const kNormalizer = NameNormalizer::Create().value().release();
  return *kNormalizer;
}

inline const ScreeningIndex& CslIndex() {
  static const ScreeningIndex* const kIndex =
      ScreeningIndex::Build(ParseCsl(ReadTestFile("csl_2023-11-30/csl.csv")).value(),
                            TestNormalizer())
          .release();
  return *kIndex;
}

inline const ScreeningIndex& OfacIndex() {
  static const ScreeningIndex* const kIndex =
      ScreeningIndex::Build(ParseOfac(ReadTestFile("ofac_2021-07-07/sdn.csv"),
                                      ReadTestFile("ofac_2021-07-07/add.csv"),
                                      ReadTestFile("ofac_2021-07-07/alt.csv"))
                                .value(),
                            TestNormalizer())
          .release();
  return *kIndex;
}

// The SDN file of 2024-05-03 with the address and alias files of 2025-02-27:
// a mixed-date set, loaded with its orphan rows set apart.
inline const ScreeningIndex& MixedOfacIndex() {
  static const ScreeningIndex* const kIndex =
      ScreeningIndex::Build(ParseOfac(ReadTestFile("ofac_sdn_2024-05-03/sdn.csv"),
                                      ReadTestFile("ofac_add_alt_2025-02-27/add.csv"),
                                      ReadTestFile("ofac_add_alt_2025-02-27/alt.csv"))
                                .value(),
                            TestNormalizer())
          .release();
  return *kIndex;
}

inline std::vector<Hit> ScreenName(const ScreeningIndex& index, const std::string& name,
                                   const std::string& country = "", ScreeningOptions options = {}) {
  return index.Screen(TestNormalizer().Normalize(name), country, options);
}

}  // namespace redflag::screening::testing
