// Cell-level helpers shared by the list parsers.
#pragma once

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace redflag::screening {

// The parts of a "; "-separated multi-valued cell, trimmed, empty ones dropped.
std::vector<absl::string_view> SplitMulti(absl::string_view cell);

// A name with surrounding blanks removed and inner runs of blanks collapsed.
std::string CleanName(absl::string_view name);

// "Entity List (EL) - Bureau of Industry and Security" -> "EL"; the whole
// text when it names no code in parentheses.
std::string SourceCode(absl::string_view source);

// Appends `code` when it is an ISO 3166-1 alpha-2 code not already present.
void AddCountry(absl::string_view code, std::vector<std::string>& countries);

// The alpha-2 code of a country as OFAC names it ("Korea, North" -> "KP"),
// or empty when unknown.
std::string CountryCodeForName(absl::string_view name);

}  // namespace redflag::screening
