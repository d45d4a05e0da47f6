// For tests: the country groups as shipped in config/country_groups.csv
// (REDFLAG_SOURCE_DIR names the source tree), parsed once.
#pragma once

#include <fstream>
#include <sstream>
#include <string>

#include "detectors/country_policy.h"

namespace redflag::detectors {

inline const CountryPolicy& ShippedCountryPolicy() {
  static const CountryPolicy* const kPolicy = [] {
    std::ifstream in(std::string(REDFLAG_SOURCE_DIR) + "/config/country_groups.csv");
    std::stringstream text;
    text << in.rdbuf();
    return new CountryPolicy(CountryPolicy::Parse(text.str(), "country_groups.csv").value());
  }();
  return *kPolicy;
}

}  // namespace redflag::detectors
