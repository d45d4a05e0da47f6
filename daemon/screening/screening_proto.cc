#include "daemon/screening/screening_proto.h"

namespace redflag {

// Problems listed per list in ListInfo; the rest are counted.
constexpr size_t kProblemsListed = 100;

v1::ScreeningHit ToProto(const ListHit& h) {
  const screening::ListEntry& e = *h.hit.entry;
  v1::ScreeningHit out;
  out.set_list(h.list->name);
  out.set_source_code(e.source_code);
  out.set_source(e.source);
  out.set_entry_id(e.id);
  out.set_entry_type(e.type);
  out.set_programs(e.programs);
  out.set_listed_name(e.name);
  out.set_matched_name(h.hit.matched_name);
  out.set_alias(h.hit.alias);
  out.set_score(h.hit.score);
  out.set_exact(h.hit.exact);
  out.set_country_match(h.hit.country_match);
  out.set_reason(h.hit.reason);
  for (const std::string& c : e.countries) out.add_entry_countries(c);
  out.set_source_url(e.source_url);
  out.set_list_sha256(h.list->sha256);
  return out;
}

v1::ListInfo ToProto(const ListStatus& s) {
  v1::ListInfo out;
  out.set_name(s.name);
  for (const std::string& f : s.files) out.add_files(f);
  out.set_last_error(s.last_error);
  out.set_loads(s.loads);
  out.set_refusals(s.refusals);
  if (!s.in_use) return out;
  const screening::ScreeningIndex& index = *s.in_use->index;
  out.set_loaded(true);
  out.set_entries(index.entries().size());
  out.set_names(index.name_count());
  out.set_sha256(s.in_use->sha256);
  out.set_file_mtime_unix_ms(s.in_use->file_mtime_unix * 1000);
  out.set_loaded_unix_ms(s.in_use->loaded_unix * 1000);
  out.set_published_unix_ms(s.in_use->published_unix * 1000);
  out.set_published_source(s.in_use->published_source);
  out.set_bad_rows(index.problems().size());
  for (size_t i = 0; i < index.problems().size() && i < kProblemsListed; ++i) {
    const screening::RowProblem& p = index.problems()[i];
    v1::RowProblem* r = out.add_problems();
    r->set_file(p.file.empty() ? s.files.front() : p.file);
    r->set_line(static_cast<uint32_t>(p.line));
    r->set_message(p.message);
  }
  out.set_orphan_rows(index.orphan_rows());
  for (size_t i = 0; i < index.orphans().size() && i < kProblemsListed; ++i) {
    const screening::RowProblem& p = index.orphans()[i];
    v1::RowProblem* r = out.add_orphans();
    r->set_file(p.file);
    r->set_line(static_cast<uint32_t>(p.line));
    r->set_message(p.message);
  }
  return out;
}

}  // namespace redflag
