#include "cli/screening_report.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "cli/text_format.h"

namespace redflag::cli {

std::string FormatScreenResponse(const std::string& name, const std::string& country,
                                 const v1::ScreenResponse& r) {
  std::string out = absl::StrCat(
      "screened \"", name, "\"", country.empty() ? "" : " (", country, country.empty() ? "" : ")",
      " against ", r.lists().empty() ? "no list (none loaded)" : absl::StrJoin(r.lists(), ", "),
      ": ", r.hits_size(), r.hits_size() == 1 ? " hit\n" : " hits\n");
  for (const v1::ScreeningHit& h : r.hits()) {
    absl::StrAppendFormat(&out, "\n  %.2f  %s%s\n", h.score(), h.matched_name(),
                          h.exact() ? "  [exact]" : "  [possible: review]");
    if (h.alias()) absl::StrAppend(&out, "        alias of: ", h.listed_name(), "\n");
    absl::StrAppend(&out, "        listed:   ", h.list(), " / ", h.source(), ", entry ",
                    h.entry_id(), h.entry_type().empty() ? "" : ", ", h.entry_type(), "\n");
    if (!h.programs().empty()) absl::StrAppend(&out, "        programs: ", h.programs(), "\n");
    if (!h.entry_countries().empty()) {
      absl::StrAppend(&out, "        countries: ", absl::StrJoin(h.entry_countries(), " "), "\n");
    }
    absl::StrAppend(&out, "        why:      ", h.reason(), "\n");
    if (!h.source_url().empty()) absl::StrAppend(&out, "        check:    ", h.source_url(), "\n");
  }
  if (r.hits_size() > 0) {
    out += "\nA hit is a lead for review against the source agency's list, not a legal finding.\n";
  }
  return out;
}

std::string FormatLists(const v1::ListListsResponse& r) {
  if (r.lists().empty()) {
    return "no restricted-party list configured (screening.csl_file, screening.ofac_sdn_file)\n";
  }
  std::string out;
  for (const v1::ListInfo& l : r.lists()) {
    absl::StrAppend(&out, l.name(), ": ", absl::StrJoin(l.files(), ", "), "\n");
    if (l.loaded()) {
      absl::StrAppend(&out, "  in use:    ", l.entries(), " entries, ", l.names(),
                      " names, files of ", TimeText(l.file_mtime_unix_ms()), ", loaded ",
                      TimeText(l.loaded_unix_ms()), "\n");
      if (l.published_unix_ms() != 0) {
        absl::StrAppend(&out, "  published: ", DayText(l.published_unix_ms()), " (by ",
                        l.published_source(), ")\n");
      }
      absl::StrAppend(&out, "  sha256:    ", l.sha256(), "\n");
    } else {
      out += "  in use:    none\n";
    }
    absl::StrAppend(&out, "  bad rows:  ", l.bad_rows(), "\n");
    for (const v1::RowProblem& p : l.problems()) {
      absl::StrAppend(&out, "    ", p.file(), ":", p.line(), ": ", p.message(), "\n");
    }
    if (l.orphan_rows() > 0) {
      absl::StrAppend(&out, "  orphans:   ", l.orphan_rows(),
                      " rows of parties this version does not list (files of different dates?)\n");
      for (const v1::RowProblem& p : l.orphans()) {
        absl::StrAppend(&out, "    ", p.file(), ":", p.line(), ": ", p.message(), "\n");
      }
    }
    absl::StrAppend(&out, "  loads:     ", l.loads(), ", refused: ", l.refusals(), "\n");
    if (!l.last_error().empty()) absl::StrAppend(&out, "  refused:   ", l.last_error(), "\n");
  }
  return out;
}

std::string FormatCustomer(const v1::Customer& c,
                           const std::vector<v1::ScreeningRecord>& screenings,
                           const std::vector<v1::Alert>& findings) {
  const v1::CustomerProfile& p = c.profile();
  std::string out = absl::StrCat("customer ", p.customer_id(), ": ", p.legal_name(), "\n");
  absl::StrAppend(
      &out,
      "  headquarters:    ", p.headquarters_country().empty() ? "-" : p.headquarters_country(),
      "   incorporated: ", p.incorporation_country().empty() ? "-" : p.incorporation_country(),
      "\n");
  if (!p.ultimate_parent_name().empty()) {
    absl::StrAppend(&out, "  ultimate parent: ", p.ultimate_parent_name(), " (",
                    p.ultimate_parent_country().empty() ? "?" : p.ultimate_parent_country(), ")\n");
  }
  absl::StrAppend(&out, "  profile version: ", c.version(), " of ", TimeText(c.updated_unix_ms()),
                  "\n");
  if (screenings.empty()) {
    out += "  last screened:   never\n";
  } else {
    const v1::ScreeningRecord& r = screenings.front();
    std::vector<std::string> lists;
    for (const v1::ListVersion& l : r.lists()) {
      lists.push_back(
          absl::StrCat(l.list(), " ", l.sha256().substr(0, 12), " (", l.entries(), " entries)"));
    }
    absl::StrAppend(&out, "  last screened:   ", TimeText(r.screened_unix_ms()), " (", r.trigger(),
                    ", profile version ", r.profile_version(), "): ", r.names_screened(),
                    " names against ", lists.empty() ? "no list" : absl::StrJoin(lists, ", "), ", ",
                    r.entries_hit(), " listed entries hit\n");
  }
  absl::StrAppend(&out, "\n", findings.size(), findings.size() == 1 ? " finding\n" : " findings\n");
  for (const v1::Alert& a : findings) {
    absl::StrAppend(&out, "\n  [", SeverityText(a.severity()), "] ", a.rule(), " ", a.level(),
                    "  (", StateText(a.state()), ", first ", TimeText(a.first_detected_unix_ms()),
                    ", last ", TimeText(a.last_detected_unix_ms()), ")\n    ", a.summary(), "\n");
    for (const v1::Evidence& e : a.evidence()) {
      if (!e.value().empty()) absl::StrAppend(&out, "      ", e.name(), ": ", e.value(), "\n");
    }
  }
  return out;
}

}  // namespace redflag::cli
