#include "daemon/compute/compute_export.h"

#include <gtest/gtest.h>

namespace redflag {
namespace {

ComputeEvaluation::Subject S(const std::string& kind, const std::string& id, double best,
                             double upper) {
  ComputeEvaluation::Subject s;
  s.kind = kind;
  s.id = id;
  s.ops = {best / 2, best, upper};
  return s;
}

// Only subjects whose upper bound reaches the floor are named, the largest
// by best estimate first, at most top_n per kind; those left out are counted.
TEST(ComputeExport, NamesOnlyTheLargestSubjectsOverTheFloor) {
  ComputeExport x(detectors::DefaultLevels(), /*floor=*/1e23, /*top_n=*/2);
  ComputeEvaluation eval;
  eval.subjects = {S("model", "m-small", 1e21, 5e22),  // under the floor
                   S("model", "m-edge", 1e22, 1e23),   // upper at the floor
                   S("model", "m-big", 3e25, 1.2e26),  // 1e24/1e25 likely, 5e25/4e091 possible
                   S("model", "m-mid", 2e24, 8e24),    // 1e24 likely
                   S("customer", "acct-1", 3e25, 1.2e26)};
  ASSERT_TRUE(x.Evaluate(eval, absl::UnixEpoch()).ok());
  ComputeSnapshot snap = x.Snapshot();
  std::vector<std::string> named;
  for (const auto& f : snap.largest) named.push_back(f.kind + "/" + f.id);
  EXPECT_EQ(named, (std::vector<std::string>{"customer/acct-1", "model/m-big", "model/m-mid"}));
  EXPECT_EQ(snap.left_out, (std::map<std::string, uint64_t>{{"model", 1}}));  // m-edge
  using K = std::tuple<std::string, std::string, std::string>;
  EXPECT_EQ(snap.at_level.at(K{"model", "1e24", "likely"}), 2u);
  EXPECT_EQ(snap.at_level.at(K{"model", "4e091", "possible"}), 1u);
  EXPECT_EQ(snap.at_level.at(K{"customer", "1e25", "likely"}), 1u);
  EXPECT_FALSE(snap.at_level.contains(K{"model", "4e091", "likely"}));
}

}  // namespace
}  // namespace redflag
