#include "cli/screening_report.h"

#include <gtest/gtest.h>

namespace redflag::cli {
namespace {

TEST(FormatScreenResponse, EveryHitWithItsReasonAndWhereToCheck) {
  v1::ScreenResponse r;
  r.add_lists("csl");
  v1::ScreeningHit* h = r.add_hits();
  h->set_list("csl");
  h->set_source("Sectoral Sanctions Identifications List (SSI) - Treasury Department");
  h->set_entry_id("17018");
  h->set_entry_type("Entity");
  h->set_listed_name("PUBLIC JOINT STOCK COMPANY SBERBANK OF RUSSIA");
  h->set_matched_name("SBERBANK ROSSII");
  h->set_alias(true);
  h->set_score(1.0);
  h->set_exact(true);
  h->set_reason("transliterated from Cyrillic; same words after normalisation");
  h->add_entry_countries("RU");
  h->set_source_url("https://example.test/17018");
  EXPECT_EQ(FormatScreenResponse("Сбербанк России", "RU", r),
            "screened \"Сбербанк России\" (RU) against csl: 1 hit\n"
            "\n"
            "  1.00  SBERBANK ROSSII  [exact]\n"
            "        alias of: PUBLIC JOINT STOCK COMPANY SBERBANK OF RUSSIA\n"
            "        listed:   csl / Sectoral Sanctions Identifications List (SSI) - Treasury "
            "Department, entry 17018, Entity\n"
            "        countries: RU\n"
            "        why:      transliterated from Cyrillic; same words after normalisation\n"
            "        check:    https://example.test/17018\n"
            "\n"
            "A hit is a lead for review against the source agency's list, not a legal finding.\n");
  EXPECT_EQ(FormatScreenResponse("Acme", "", v1::ScreenResponse()),
            "screened \"Acme\" against no list (none loaded): 0 hits\n");
}

TEST(FormatLists, InUseVersionBadRowsAndRefusals) {
  v1::ListListsResponse r;
  v1::ListInfo* l = r.add_lists();
  l->set_name("csl");
  l->add_files("/lists/consolidated.csv");
  l->set_loaded(true);
  l->set_entries(4226);
  l->set_names(10867);
  l->set_sha256("abc");
  l->set_file_mtime_unix_ms(1700000000000);
  l->set_loaded_unix_ms(1700000060000);
  l->set_published_unix_ms(1701302400000);
  l->set_published_source("date file /lists/consolidated.csv.published");
  l->set_bad_rows(1);
  v1::RowProblem* p = l->add_problems();
  p->set_file("/lists/consolidated.csv");
  p->set_line(4233);
  p->set_message("a quoted field is not closed (truncated file?)");
  l->set_loads(1);
  l->set_refusals(2);
  l->set_last_error("/lists/consolidated.csv: no entries");
  EXPECT_EQ(FormatLists(r),
            "csl: /lists/consolidated.csv\n"
            "  in use:    4226 entries, 10867 names, files of 2023-11-14 22:13:20 UTC, loaded "
            "2023-11-14 22:14:20 UTC\n"
            "  published: 2023-11-30 (by date file /lists/consolidated.csv.published)\n"
            "  sha256:    abc\n"
            "  bad rows:  1\n"
            "    /lists/consolidated.csv:4233: a quoted field is not closed (truncated file?)\n"
            "  loads:     1, refused: 2\n"
            "  refused:   /lists/consolidated.csv: no entries\n");
}

TEST(FormatLists, OrphanRowsAreShownApartFromBadRows) {
  v1::ListListsResponse r;
  v1::ListInfo* l = r.add_lists();
  l->set_name("ofac_sdn");
  l->add_files("/lists/ofac/sdn.csv");
  l->set_loaded(true);
  l->set_entries(14965);
  l->set_orphan_rows(3942);
  v1::RowProblem* o = l->add_orphans();
  o->set_file("add.csv");
  o->set_line(15);
  o->set_message("ent_num 46213 is not in sdn.csv");
  l->set_loads(1);
  const std::string text = FormatLists(r);
  EXPECT_NE(text.find("  bad rows:  0\n"
                      "  orphans:   3942 rows of parties this version does not list (files of "
                      "different dates?)\n"
                      "    add.csv:15: ent_num 46213 is not in sdn.csv\n"
                      "  loads:     1, refused: 0\n"),
            std::string::npos)
      << text;
}

TEST(FormatCustomer, ProfileThenEveryFindingWithEvidence) {
  v1::Customer c;
  c.mutable_profile()->set_customer_id("acme");
  c.mutable_profile()->set_legal_name("Acme Cloud Inc");
  c.mutable_profile()->set_headquarters_country("US");
  c.mutable_profile()->set_ultimate_parent_name("Dragon Holdings");
  c.mutable_profile()->set_ultimate_parent_country("CN");
  c.set_version(2);
  c.set_updated_unix_ms(1700000000000);
  v1::Alert a;
  a.set_rule("adversary_linked_training");
  a.set_level("CN");
  a.set_severity(v1::SEVERITY_HIGH);
  a.set_state(v1::ALERT_STATE_OPEN);
  a.set_summary("job j1 trains for acme, whose ultimate parent is headquartered in CN (D:5)");
  a.set_first_detected_unix_ms(1700000000000);
  a.set_last_detected_unix_ms(1700000000000);
  v1::Evidence* e = a.add_evidence();
  e->set_name("ownership_path");
  e->set_value("Acme Cloud Inc (US) <- 60% Dragon Holdings (CN)");
  a.add_evidence()->set_name("empty");
  v1::ScreeningRecord r;
  r.set_screened_unix_ms(1700000060000);
  r.set_trigger("upsert");
  r.set_profile_version(2);
  r.set_names_screened(3);
  r.set_entries_hit(0);
  v1::ListVersion* l = r.add_lists();
  l->set_list("csl");
  l->set_sha256("054553ac960f9db1e0b5");
  l->set_entries(4226);
  EXPECT_EQ(FormatCustomer(c, {r}, {a}),
            "customer acme: Acme Cloud Inc\n"
            "  headquarters:    US   incorporated: -\n"
            "  ultimate parent: Dragon Holdings (CN)\n"
            "  profile version: 2 of 2023-11-14 22:13:20 UTC\n"
            "  last screened:   2023-11-14 22:14:20 UTC (upsert, profile version 2): 3 names "
            "against csl 054553ac960f (4226 entries), 0 listed entries hit\n"
            "\n"
            "1 finding\n"
            "\n"
            "  [high] adversary_linked_training CN  (open, first 2023-11-14 22:13:20 UTC, last "
            "2023-11-14 22:13:20 UTC)\n"
            "    job j1 trains for acme, whose ultimate parent is headquartered in CN (D:5)\n"
            "      ownership_path: Acme Cloud Inc (US) <- 60% Dragon Holdings (CN)\n");
}

}  // namespace
}  // namespace redflag::cli
