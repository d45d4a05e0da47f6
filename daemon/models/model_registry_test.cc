#include "daemon/models/model_registry.h"

#include <gtest/gtest.h>

#include "daemon/storage/memory_store.h"
#include "daemon/validation/validation.h"

namespace redflag {
namespace {

v1::SetModelPublicationRequest Publish(const std::string& model, const std::string& evidence) {
  v1::SetModelPublicationRequest req;
  req.set_model_id(model);
  req.mutable_publication()->set_weights_published(true);
  req.mutable_publication()->set_evidence(evidence);
  return req;
}

TEST(ModelRegistry, RecordsPublicationWithAVersionPerChange) {
  MemoryStore store;
  ModelRegistry models(store, false);
  EXPECT_TRUE(absl::IsNotFound(models.Get("open-7b").status()));

  auto first = models.SetPublication(Publish("open-7b", "https://example.org/w"), 1000);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_TRUE(first->changed);
  EXPECT_EQ(first->record.version(), 1u);
  EXPECT_EQ(first->record.updated_unix_ms(), 1000);

  // The same state again is no change and keeps the first record's time.
  auto again = models.SetPublication(Publish("open-7b", "https://example.org/w"), 2000);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->changed);
  EXPECT_EQ(again->record.version(), 1u);
  EXPECT_EQ(again->record.updated_unix_ms(), 1000);

  v1::SetModelPublicationRequest withdraw;
  withdraw.set_model_id("open-7b");
  withdraw.mutable_publication()->set_evidence("repository taken down");
  auto third = models.SetPublication(withdraw, 3000);
  ASSERT_TRUE(third.ok());
  EXPECT_TRUE(third->changed);
  EXPECT_EQ(third->record.version(), 2u);

  // A registry over the same store (a restart) reads what was stored.
  ModelRegistry reopened(store, false);
  auto got = reopened.Get("open-7b");
  ASSERT_TRUE(got.ok());
  EXPECT_FALSE(got->publication().weights_published());
  EXPECT_EQ(got->publication().evidence(), "repository taken down");
  EXPECT_EQ(got->version(), 2u);
}

TEST(ModelRegistry, WriteFailureIsReturnedAndNothingIsRecorded) {
  MemoryStore store;
  store.FailWritesAfter(0);
  ModelRegistry models(store, false);
  EXPECT_FALSE(models.SetPublication(Publish("m", "e"), 1).ok());
  EXPECT_TRUE(absl::IsNotFound(models.Get("m").status()));
}

TEST(ModelRegistry, UnreadableRecordIsDataLossNamingIt) {
  MemoryStore store;
  std::unique_ptr<WriteBatch> wb = store.NewBatch();
  wb->Put(Domain::kModels, "m", "\xff\xff not a record");
  ASSERT_TRUE(store.Write(*wb, false).ok());
  ModelRegistry models(store, false);
  absl::Status s = models.Get("m").status();
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(s.message(), "models/m: unreadable record");
  EXPECT_EQ(models.SetPublication(Publish("m", "e"), 1).status().code(),
            absl::StatusCode::kDataLoss);
}

TEST(ValidateModelPublication, NamesTheField) {
  const absl::Time now = absl::FromUnixSeconds(1'800'000'000);
  EXPECT_TRUE(ValidateModelPublication(Publish("open-7b", "https://example.org/w"), now).ok());

  auto no_evidence = Publish("open-7b", "");
  EXPECT_EQ(ValidateModelPublication(no_evidence, now).message().substr(0, 21),
            "publication.evidence:");
  no_evidence.mutable_publication()->set_weights_published(false);
  EXPECT_TRUE(ValidateModelPublication(no_evidence, now).ok());  // withdrawal needs none

  auto bad_id = Publish("open 7b", "e");
  EXPECT_EQ(ValidateModelPublication(bad_id, now).message().substr(0, 9), "model_id:");

  auto future = Publish("open-7b", "e");
  future.mutable_publication()->set_published_unix_ms(absl::ToUnixMillis(now) + 1);
  EXPECT_EQ(ValidateModelPublication(future, now).message().substr(0, 30),
            "publication.published_unix_ms:");

  auto control = Publish("open-7b", "line\nbreak");
  EXPECT_EQ(ValidateModelPublication(control, now).code(), absl::StatusCode::kInvalidArgument);
  auto long_by = Publish("open-7b", "e");
  long_by.mutable_publication()->set_recorded_by(std::string(257, 'a'));
  EXPECT_EQ(ValidateModelPublication(long_by, now).message().substr(0, 24),
            "publication.recorded_by:");
}

}  // namespace
}  // namespace redflag
