// For tests: every stored alert (suppressed ones too), by alert_id.
#pragma once

#include <map>
#include <string>

#include "daemon/alerts/alert_store.h"
#include "gtest/gtest.h"

namespace redflag {

inline std::map<std::string, v1::Alert> AlertsById(AlertStore& alerts) {
  std::map<std::string, v1::Alert> out;
  v1::ListAlertsRequest req;
  req.set_page_size(1000);
  req.mutable_filter()->set_include_suppressed(true);
  do {
    absl::StatusOr<v1::ListAlertsResponse> page = alerts.List(req);
    EXPECT_TRUE(page.ok()) << page.status();
    if (!page.ok()) break;
    for (const v1::Alert& a : page->alerts()) out[a.alert_id()] = a;
    req.set_page_token(page->next_page_token());
  } while (!req.page_token().empty());
  return out;
}

}  // namespace redflag
