#include "detectors/kyc_score.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace redflag::detectors {
namespace {

// The advanced-computing rule of 7 October 2022: entities formed after it
// and asking for large capacity are a diversion red flag.
constexpr absl::CivilDay kAdvancedComputingRule(2022, 10, 7);

}  // namespace

KycScore ScoreKyc(const v1::CustomerProfile& p, uint32_t max_accelerators,
                  const std::vector<std::string>& listed_officers, const KycWeights& w,
                  absl::CivilDay today) {
  KycScore s;
  auto flag = [&](const char* name, double weight, std::string fact) {
    if (weight <= 0) return;
    s.score += weight;
    s.flags.push_back({name, weight, std::move(fact)});
  };
  absl::CivilDay formed;
  if (absl::ParseCivilTime(p.formation_date(), &formed) && formed > kAdvancedComputingRule &&
      max_accelerators >= w.large_request_accelerators) {
    flag("formed_recently_large_request", w.formed_recently_large_request,
         absl::StrCat("formed ", p.formation_date(), " (after 2022-10-07), jobs of up to ",
                      max_accelerators, " accelerators"));
  }
  if (p.address_residential())
    flag("residential_address", w.residential_address, "residential address");
  if (p.address_forwarder()) {
    flag("forwarder_address", w.forwarder_address, "freight forwarder or mail-drop address");
  }
  const std::string& pay = p.payment_country();
  if (!pay.empty() && pay != p.headquarters_country() && pay != p.incorporation_country() &&
      pay != p.billing_country()) {
    flag("third_country_payment", w.third_country_payment,
         absl::StrCat("pays from ", pay, ", headquartered in ", p.headquarters_country(),
                      ", incorporated in ", p.incorporation_country()));
  }
  if (p.third_party_payment()) {
    flag("third_party_payment", w.third_party_payment, "paid by a third party");
  }
  if (p.reseller() && !p.end_customers_disclosed()) {
    flag("reseller_undisclosed", w.reseller_undisclosed,
         "resells capacity without naming its end customers");
  }
  if (p.declared_end_use().empty()) flag("no_end_use", w.no_end_use, "no end use declared");
  if (!listed_officers.empty()) {
    flag("listed_officer", w.listed_officer,
         absl::StrCat("officers matching restricted-party entries: ",
                      absl::StrJoin(listed_officers, "; ")));
  }
  if (p.contact_domains().empty()) flag("no_web_presence", w.no_web_presence, "no contact domain");
  absl::CivilDay registered;
  if (absl::ParseCivilTime(p.web_domain_registered_date(), &registered) && registered <= today &&
      today - registered < 365) {
    flag("young_domain", w.young_domain,
         absl::StrCat("web domain registered ", p.web_domain_registered_date(), ", ",
                      today - registered, " days before ", absl::FormatCivilTime(today)));
  }
  return s;
}

}  // namespace redflag::detectors
