#include "daemon/alerts/alert_store.h"

#include <gtest/gtest.h>

#include "absl/time/clock.h"
#include "daemon/storage/memory_store.h"

namespace redflag {
namespace {

v1::Alert MakeAlert(const std::string& id, v1::Severity sev) {
  v1::Alert a;
  a.set_alert_id(id);
  a.set_rule("compute_level");
  a.set_subject_id("model-1");
  a.set_severity(sev);
  a.set_state(v1::ALERT_STATE_OPEN);
  return a;
}

TEST(AlertStore, SameIdUpdatesInsteadOfDuplicating) {
  MemoryStore store;
  AlertStore alerts(store, true);
  EXPECT_EQ(*alerts.Put(MakeAlert("a", v1::SEVERITY_HIGH)), v1::AlertEvent::KIND_RAISED);
  EXPECT_EQ(*alerts.Put(MakeAlert("a", v1::SEVERITY_CRITICAL)), v1::AlertEvent::KIND_UPDATED);
  auto list = alerts.List(v1::ListAlertsRequest());
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->alerts_size(), 1);
  EXPECT_EQ(list->alerts(0).severity(), v1::SEVERITY_CRITICAL);
}

TEST(AlertStore, ListFiltersAndPages) {
  MemoryStore store;
  AlertStore alerts(store, true);
  for (const char* id : {"a", "b", "c"})
    ASSERT_TRUE(alerts.Put(MakeAlert(id, v1::SEVERITY_HIGH)).ok());
  ASSERT_TRUE(alerts.Put(MakeAlert("d", v1::SEVERITY_INFO)).ok());
  v1::ListAlertsRequest req;
  req.mutable_filter()->set_min_severity(v1::SEVERITY_WARNING);
  req.set_page_size(2);
  auto first = alerts.List(req);
  ASSERT_EQ(first->alerts_size(), 2);
  EXPECT_EQ(first->next_page_token(), "b");
  req.set_page_token(first->next_page_token());
  auto second = alerts.List(req);
  ASSERT_EQ(second->alerts_size(), 1);
  EXPECT_EQ(second->alerts(0).alert_id(), "c");
  EXPECT_TRUE(second->next_page_token().empty());
}

TEST(AlertStore, WatchSeesExistingThenLiveChangesThatMatch) {
  MemoryStore store;
  AlertStore alerts(store, true);
  ASSERT_TRUE(alerts.Put(MakeAlert("old", v1::SEVERITY_HIGH)).ok());
  v1::AlertFilter f;
  f.set_min_severity(v1::SEVERITY_HIGH);
  auto watch = alerts.Watch(f);
  ASSERT_TRUE(watch.ok());
  auto e = (*watch)->Next(absl::Seconds(1));
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->kind(), v1::AlertEvent::KIND_EXISTING);
  ASSERT_TRUE(alerts.Put(MakeAlert("low", v1::SEVERITY_INFO)).ok());  // filtered out
  ASSERT_TRUE(alerts.Put(MakeAlert("new", v1::SEVERITY_CRITICAL)).ok());
  e = (*watch)->Next(absl::Seconds(1));
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->kind(), v1::AlertEvent::KIND_RAISED);
  EXPECT_EQ(e->alert().alert_id(), "new");
  EXPECT_FALSE((*watch)->Next(absl::Milliseconds(10)).has_value());
}

// A suppressed alert is hidden from a watch; when its suppression runs out
// the watcher is told, once, and a suppression lengthened in between is not
// taken for ended.
TEST(AlertStore, WatchersHearWhenASuppressionRunsOut) {
  MemoryStore store;
  AlertStore alerts(store, true);
  const absl::Time soon = absl::Now() + absl::Milliseconds(300);
  for (const char* id : {"short", "lengthened"}) {
    v1::Alert a = MakeAlert(id, v1::SEVERITY_HIGH);
    a.set_suppressed_until_unix_ms(absl::ToUnixMillis(soon));
    ASSERT_TRUE(alerts.Put(a).ok());
  }
  auto watch = alerts.Watch(v1::AlertFilter());
  ASSERT_TRUE(watch.ok());
  EXPECT_FALSE((*watch)->Next(absl::ZeroDuration()).has_value());  // both hidden

  v1::AlertActionRequest longer;
  longer.set_alert_id("lengthened");
  longer.set_action(v1::ALERT_ACTION_SUPPRESS);
  longer.set_actor("ana");
  longer.set_suppress_until_unix_ms(absl::ToUnixMillis(soon + absl::Hours(24)));
  ASSERT_TRUE(alerts.Act(longer, absl::Now()).ok());

  ASSERT_TRUE(alerts.AnnounceSuppressionEnds(soon - absl::Milliseconds(1)).ok());
  EXPECT_FALSE((*watch)->Next(absl::ZeroDuration()).has_value());  // not yet
  absl::SleepFor(soon - absl::Now());  // the filter judges with the real clock
  ASSERT_TRUE(alerts.AnnounceSuppressionEnds(soon).ok());
  auto e = (*watch)->Next(absl::ZeroDuration());
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->kind(), v1::AlertEvent::KIND_SUPPRESSION_ENDED);
  EXPECT_EQ(e->alert().alert_id(), "short");
  ASSERT_TRUE(alerts.AnnounceSuppressionEnds(soon + absl::Seconds(1)).ok());
  EXPECT_FALSE((*watch)->Next(absl::ZeroDuration()).has_value());  // once only
}

// What /metrics shows as redflag_alerts: every stored alert, also those
// stored before a restart, by rule, severity and state as of now.
TEST(AlertStore, CountsByRuleSeverityAndStateIncludeEarlierAlerts) {
  MemoryStore store;
  {
    AlertStore before(store, true);
    ASSERT_TRUE(before.Put(MakeAlert("a", v1::SEVERITY_HIGH)).ok());
  }
  AlertStore alerts(store, true);
  ASSERT_TRUE(alerts.Put(MakeAlert("b", v1::SEVERITY_HIGH)).ok());
  ASSERT_TRUE(alerts.Put(MakeAlert("c", v1::SEVERITY_CRITICAL)).ok());
  using C = AlertStore::Count;
  EXPECT_EQ(*alerts.Counts(absl::Now()),
            (std::map<C, uint64_t>{{C{"compute_level", v1::SEVERITY_HIGH, "open"}, 2},
                                   {C{"compute_level", v1::SEVERITY_CRITICAL, "open"}, 1}}));
  v1::AlertActionRequest ack;
  ack.set_alert_id("a");
  ack.set_action(v1::ALERT_ACTION_ACKNOWLEDGE);
  ack.set_actor("ana");
  ASSERT_TRUE(alerts.Act(ack, absl::Now()).ok());
  v1::AlertActionRequest hide = ack;
  hide.set_alert_id("c");
  hide.set_action(v1::ALERT_ACTION_SUPPRESS);
  const absl::Time until = absl::Now() + absl::Hours(1);
  hide.set_suppress_until_unix_ms(absl::ToUnixMillis(until));
  ASSERT_TRUE(alerts.Act(hide, absl::Now()).ok());
  EXPECT_EQ(*alerts.Counts(absl::Now()),
            (std::map<C, uint64_t>{{C{"compute_level", v1::SEVERITY_HIGH, "open"}, 1},
                                   {C{"compute_level", v1::SEVERITY_HIGH, "acknowledged"}, 1},
                                   {C{"compute_level", v1::SEVERITY_CRITICAL, "suppressed"}, 1}}));
  // Once the suppression has run out, the alert counts as open again.
  EXPECT_EQ(alerts.Counts(until)->at(C{"compute_level", v1::SEVERITY_CRITICAL, "open"}), 1u);
}

TEST(AlertStore, SlowWatcherIsClosedAndCounted) {
  MemoryStore store;
  AlertStore alerts(store, true);
  auto watch = alerts.Watch(v1::AlertFilter(), /*capacity=*/2);
  for (const char* id : {"a", "b", "c"})
    ASSERT_TRUE(alerts.Put(MakeAlert(id, v1::SEVERITY_HIGH)).ok());
  EXPECT_TRUE((*watch)->lagged());
  EXPECT_EQ(alerts.lagged_watchers(), 1u);
  EXPECT_FALSE((*watch)->Next(absl::Milliseconds(10)).has_value());
}

}  // namespace
}  // namespace redflag
