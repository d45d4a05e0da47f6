#include "cli/scenario.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace redflag::cli {
namespace {

TEST(Scenario, ParsesEveryEventKindAndSkipsCommentsAndBlankLines) {
  auto events = ParseScenario(
      "# comment\n\n"
      R"({"upsert_customer":{"profile":{"customer_id":"c","legal_name":"C Ltd"}}})"
      "\n"
      R"({"registerJob":{"job":{"job_id":"j","accelerator_count":8}}})"
      "\n"
      R"({"samples":{"batch_id":"1","samples":[{"source_id":"s","seq":"1"}]}})"
      "\n"
      R"({"end_job":{"job_id":"j","end_unix_ms":"5"}})"
      "\n");
  ASSERT_TRUE(events.ok()) << events.status();
  ASSERT_EQ(events->size(), 4u);
  EXPECT_EQ((*events)[1].register_job().job().accelerator_count(), 8u);
  EXPECT_EQ((*events)[2].samples().samples(0).seq(), 1u);
}

TEST(Scenario, ErrorsNameTheLine) {
  auto events = ParseScenario("# ok\n{\"samples\": {\"samples\": [{\"seq\": \"x\"}]}}\n");
  ASSERT_FALSE(events.ok());
  EXPECT_EQ(events.status().message().substr(0, 7), "line 2:");
  auto empty_event = ParseScenario("{}\n");
  ASSERT_FALSE(empty_event.ok());
  EXPECT_NE(events.status().message().find("line"), std::string::npos);
}

TEST(Scenario, TheShippedExampleParses) {
  std::ifstream in(std::string(REDFLAG_SOURCE_DIR) + "/examples/scenario.jsonl");
  std::stringstream text;
  text << in.rdbuf();
  auto events = ParseScenario(text.str());
  ASSERT_TRUE(events.ok()) << events.status();
  EXPECT_GT(events->size(), 5u);
}

}  // namespace
}  // namespace redflag::cli
