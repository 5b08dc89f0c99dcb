#include "registry/model_registry.h"

#include <algorithm>
#include <map>
#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "fmt/format.h"
#include "registry/job_store.h"
#include "tests/testing/temp_dir.h"

namespace vitrina::registry {
namespace {

using ::vitrina::testing::TempDir;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

ModelArtifact Artifact(const std::string& file_path) {
  ModelArtifact artifact;
  artifact.params_json = R"({"epochs":10})";
  artifact.metrics_json = R"({"precisionAtK":0.25})";
  artifact.dataset_json = R"({"nUsers":"3"})";
  artifact.file_path = file_path;
  artifact.checksum = "abc123";
  artifact.size_bytes = 4096;
  artifact.n_users = 3;
  artifact.n_titles = 7;
  artifact.watermark = 1700000000;
  return artifact;
}

std::vector<int64_t> Ids(const std::vector<ModelRecord>& models) {
  std::vector<int64_t> ids;
  for (const ModelRecord& model : models) ids.push_back(model.id);
  return ids;
}

class ModelRegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = RegistryDatabase::Open(dir_.File("registry.db"));
    ASSERT_TRUE(opened.ok()) << opened.status();
    database_ = std::move(opened).value();
    registry_ = std::make_unique<ModelRegistry>(*database_);
  }

  int64_t InsertModel(const std::string& file_path) {
    absl::StatusOr<ModelRecord> model = registry_->Insert(Artifact(file_path));
    EXPECT_TRUE(model.ok()) << model.status();
    return model.ok() ? model->id : 0;
  }

  TempDir dir_;
  std::unique_ptr<RegistryDatabase> database_;
  std::unique_ptr<ModelRegistry> registry_;
};

TEST_F(ModelRegistryTest, InsertedModelReadsBackWhole) {
  absl::StatusOr<JobRecord> job =
      JobStore(*database_)
          .Create(JobSpec{JobKind::kFull, JobTrigger::kApi, "{}", ActivatePolicy::kNever, 1});
  ASSERT_TRUE(job.ok()) << job.status();
  const int64_t parent = InsertModel("/models/parent.bin");
  ModelArtifact artifact = Artifact("/models/child.bin");
  artifact.job_id = job->id;
  artifact.parent_model_id = parent;

  const int64_t before = UnixNow();
  absl::StatusOr<ModelRecord> inserted = registry_->Insert(artifact);
  ASSERT_TRUE(inserted.ok()) << inserted.status();
  absl::StatusOr<ModelRecord> model = registry_->Get(inserted->id);
  ASSERT_TRUE(model.ok()) << model.status();

  EXPECT_GT(model->id, parent);
  EXPECT_GE(model->created_at, before);
  EXPECT_LE(model->created_at, UnixNow());
  EXPECT_EQ(model->created_at, inserted->created_at);
  EXPECT_EQ(model->status, ModelStatus::kReady);
  EXPECT_FALSE(model->active);
  EXPECT_EQ(model->artifact.params_json, artifact.params_json);
  EXPECT_EQ(model->artifact.metrics_json, artifact.metrics_json);
  EXPECT_EQ(model->artifact.dataset_json, artifact.dataset_json);
  EXPECT_EQ(model->artifact.file_path, "/models/child.bin");
  EXPECT_EQ(model->artifact.checksum, "abc123");
  EXPECT_EQ(model->artifact.size_bytes, 4096);
  EXPECT_EQ(model->artifact.n_users, 3);
  EXPECT_EQ(model->artifact.n_titles, 7);
  EXPECT_EQ(model->artifact.job_id, job->id);
  EXPECT_EQ(model->artifact.parent_model_id, parent);
  EXPECT_EQ(model->artifact.watermark, 1700000000);
  EXPECT_EQ(registry_->Get(parent)->artifact.job_id, std::nullopt);
}

TEST_F(ModelRegistryTest, GetOfAnUnknownModelIsNotFound) {
  EXPECT_EQ(registry_->Get(42).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(ModelRegistryTest, InsertRejectsBadArtifacts) {
  auto code_of = [&](auto mutate) {
    ModelArtifact artifact = Artifact("/models/m.bin");
    mutate(artifact);
    return registry_->Insert(artifact).status().code();
  };
  constexpr auto kInvalid = absl::StatusCode::kInvalidArgument;
  EXPECT_EQ(code_of([](ModelArtifact& a) { a.file_path.clear(); }), kInvalid);
  EXPECT_EQ(code_of([](ModelArtifact& a) { a.size_bytes = -1; }), kInvalid);
  EXPECT_EQ(code_of([](ModelArtifact& a) { a.n_users = -1; }), kInvalid);
  EXPECT_EQ(code_of([](ModelArtifact& a) { a.n_titles = -1; }), kInvalid);
  EXPECT_EQ(code_of([](ModelArtifact& a) { a.watermark = -1; }), kInvalid);
  EXPECT_EQ(code_of([](ModelArtifact& a) { a.metrics_json = "{precision:"; }), kInvalid);
  EXPECT_EQ(code_of([](ModelArtifact& a) { a.params_json = ""; }), kInvalid);
  EXPECT_EQ(code_of([](ModelArtifact& a) { a.job_id = 99; }), kInvalid);
  EXPECT_EQ(code_of([](ModelArtifact& a) { a.parent_model_id = 99; }), kInvalid);

  ModelArtifact orphan = Artifact("/models/m.bin");
  orphan.parent_model_id = 99;
  EXPECT_THAT(std::string(registry_->Insert(orphan).status().message()),
              HasSubstr("parent_model_id 99"));
  EXPECT_TRUE(registry_->List(10)->empty());
}

TEST_F(ModelRegistryTest, ListsReadyModelsNewestFirst) {
  const int64_t first = InsertModel("/m/1");
  const int64_t second = InsertModel("/m/2");
  const int64_t third = InsertModel("/m/3");
  const int64_t fourth = InsertModel("/m/4");
  ASSERT_TRUE(registry_->Delete(third).ok());

  EXPECT_THAT(Ids(*registry_->List(10)), ElementsAre(fourth, second, first));
  EXPECT_THAT(Ids(*registry_->List(2)), ElementsAre(fourth, second));
  EXPECT_EQ(registry_->List(0).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(ModelRegistryTest, ActivationSwapsTheActiveModelAndReportsThePreviousOne) {
  const int64_t first = InsertModel("/m/1");
  const int64_t second = InsertModel("/m/2");
  EXPECT_EQ(*registry_->Active(), std::nullopt);

  EXPECT_EQ(*registry_->Activate(first), std::nullopt);
  EXPECT_EQ((*registry_->Active())->id, first);
  EXPECT_EQ(*registry_->Activate(second), first);
  EXPECT_EQ(*registry_->Activate(second), second);  // already active: nothing changes
  EXPECT_EQ(*registry_->Activate(first), second);   // rollback

  EXPECT_TRUE(registry_->Get(first)->active);
  EXPECT_FALSE(registry_->Get(second)->active);
  EXPECT_EQ((*registry_->Active())->artifact.file_path, "/m/1");
}

TEST_F(ModelRegistryTest, ActivatingAnUnknownOrDeletedModelIsNotFound) {
  const int64_t active = InsertModel("/m/1");
  const int64_t deleted = InsertModel("/m/2");
  ASSERT_TRUE(registry_->Activate(active).ok());
  ASSERT_TRUE(registry_->Delete(deleted).ok());

  EXPECT_EQ(registry_->Activate(77).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(registry_->Activate(deleted).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ((*registry_->Active())->id, active);
}

TEST_F(ModelRegistryTest, DeleteMarksTheModelDeletedAndHandsBackItsFile) {
  const int64_t active = InsertModel("/m/active");
  const int64_t old = InsertModel("/m/old");
  ASSERT_TRUE(registry_->Activate(active).ok());

  absl::StatusOr<std::string> refused = registry_->Delete(active);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(registry_->Get(active)->active);

  EXPECT_EQ(registry_->Get(old)->deleted_at, std::nullopt);
  const UnixSeconds before = UnixNow();
  EXPECT_EQ(*registry_->Delete(old), "/m/old");
  EXPECT_EQ(registry_->Get(old)->status, ModelStatus::kDeleted);
  ASSERT_TRUE(registry_->Get(old)->deleted_at.has_value());
  EXPECT_GE(*registry_->Get(old)->deleted_at, before);
  EXPECT_LE(*registry_->Get(old)->deleted_at, UnixNow());
  EXPECT_EQ(registry_->Delete(old).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(registry_->Delete(404).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(ModelRegistryTest, CallsNamingADeletedModelSayWhenItWasDeleted) {
  const int64_t deleted = InsertModel("/m/gone");
  ASSERT_TRUE(registry_->Delete(deleted).ok());
  const std::string expected_start = fmt::format("model {} was deleted at 20", deleted);
  for (absl::Status status : {registry_->Activate(deleted).status(), registry_->Delete(deleted).status()}) {
    EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
    EXPECT_THAT(std::string(status.message()), ::testing::StartsWith(expected_start)) << status;
    EXPECT_THAT(std::string(status.message()), ::testing::EndsWith("Z")) << status;
  }
  EXPECT_EQ(std::string(DeletedModelError(3, 1764876600).message()), "model 3 was deleted at 2025-12-04T19:30:00Z");
  EXPECT_EQ(std::string(DeletedModelError(3, std::nullopt).message()), "model 3 was deleted");
}

TEST_F(ModelRegistryTest, FilePathsNameEveryModelDeletedOnesIncluded) {
  const int64_t kept = InsertModel("/m/kept.vtm");
  const int64_t deleted = InsertModel("/m/deleted.vtm");
  ASSERT_TRUE(registry_->Delete(deleted).ok());
  auto files = registry_->FilePaths();
  ASSERT_TRUE(files.ok()) << files.status();
  EXPECT_THAT(*files, ElementsAre(std::pair<int64_t, std::string>{kept, "/m/kept.vtm"},
                                  std::pair<int64_t, std::string>{deleted, "/m/deleted.vtm"}));
}

TEST_F(ModelRegistryTest, TheSchemaAllowsOneActiveModelWhoeverWrites) {
  InsertModel("/m/1");
  InsertModel("/m/2");
  absl::Status status = database_->Write("activating everything", [](Connection& connection) {
    connection.database().exec("UPDATE models SET active = 1");
    return absl::OkStatus();
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
  EXPECT_EQ(*registry_->Active(), std::nullopt);
}

// Several threads, half of them through their own connection (as another process would), activate
// models at random. Every activation must see the one before it: the previous ids returned form a
// single chain, so no two activations ever replaced the same model.
TEST_F(ModelRegistryTest, ConcurrentActivationsFormOneChain) {
  constexpr int kModels = 8;
  constexpr int kThreads = 4;
  constexpr int kActivationsPerThread = 40;
  std::vector<int64_t> models;
  for (int i = 0; i < kModels; ++i) models.push_back(InsertModel("/m/" + std::to_string(i)));
  std::unique_ptr<RegistryDatabase> other_connection =
      std::move(RegistryDatabase::Open(dir_.File("registry.db"))).value();
  ModelRegistry other_registry(*other_connection);

  struct Activation {
    int64_t model;
    std::optional<int64_t> previous;
  };
  std::vector<std::vector<Activation>> done(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      ModelRegistry& registry = t % 2 == 0 ? *registry_ : other_registry;
      for (int i = 0; i < kActivationsPerThread; ++i) {
        const int64_t model = models[(t * 7 + i * 3) % kModels];
        absl::StatusOr<std::optional<int64_t>> previous = registry.Activate(model);
        ASSERT_TRUE(previous.ok()) << previous.status();
        done[t].push_back({model, *previous});
      }
    });
  }
  for (std::thread& thread : threads) thread.join();

  // Real swaps only (activating the active model changes nothing): each model became active as
  // many times as it was reported replaced, except the final one, active once more.
  std::map<int64_t, int> became_active;
  std::map<int64_t, int> replaced;
  int nothing_before = 0;
  for (const auto& activations : done) {
    for (const Activation& activation : activations) {
      if (activation.previous == activation.model) continue;
      ++became_active[activation.model];
      if (activation.previous.has_value()) {
        ++replaced[*activation.previous];
      } else {
        ++nothing_before;
      }
    }
  }
  EXPECT_EQ(nothing_before, 1);
  absl::StatusOr<std::optional<ModelRecord>> active = registry_->Active();
  ASSERT_TRUE(active.ok() && active->has_value());
  --became_active[(*active)->id];
  std::erase_if(became_active, [](const auto& entry) { return entry.second == 0; });
  EXPECT_EQ(became_active, replaced);
}

TEST_F(ModelRegistryTest, EachRoleHasItsOwnActiveModel) {
  const int64_t personal = InsertModel("personal.vtm");
  ModelArtifact next_title_artifact = Artifact("next-title.vtm");
  next_title_artifact.role = ModelRole::kNextTitle;
  absl::StatusOr<ModelRecord> next_title = registry_->Insert(next_title_artifact);
  ASSERT_TRUE(next_title.ok()) << next_title.status();
  EXPECT_EQ(registry_->Get(next_title->id)->artifact.role, ModelRole::kNextTitle);
  EXPECT_EQ(registry_->Get(personal)->artifact.role, ModelRole::kPersonal);

  ASSERT_TRUE(registry_->Activate(personal).ok());
  // Activating the next-title model replaces nothing: no next-title model was active.
  absl::StatusOr<std::optional<int64_t>> previous = registry_->Activate(next_title->id);
  ASSERT_TRUE(previous.ok()) << previous.status();
  EXPECT_EQ(*previous, std::nullopt);
  EXPECT_EQ((*registry_->Active())->id, personal);
  EXPECT_EQ((*registry_->Active(ModelRole::kNextTitle))->id, next_title->id);

  // A second personal model replaces only the personal one.
  const int64_t newer_personal = InsertModel("personal-2.vtm");
  EXPECT_EQ(*registry_->Activate(newer_personal), personal);
  EXPECT_EQ((*registry_->Active())->id, newer_personal);
  EXPECT_EQ((*registry_->Active(ModelRole::kNextTitle))->id, next_title->id);
  EXPECT_FALSE(registry_->Get(personal)->active);
  EXPECT_TRUE(registry_->Get(next_title->id)->active);
}

}  // namespace
}  // namespace vitrina::registry

namespace vitrina::registry {
namespace {

TEST_F(ModelRegistryTest, AReplicatedModelKeepsItsPrimarysIdAndCreationTime) {
  ModelArtifact artifact = Artifact("/replica/models/replicated-model-7.vtm");
  artifact.job_id = 3;            // rows of the primary's registry, unknown here
  artifact.parent_model_id = 6;
  absl::StatusOr<ModelRecord> copied = registry_->InsertReplicated(7, 1'700'000'123, artifact);
  ASSERT_TRUE(copied.ok()) << copied.status();
  absl::StatusOr<ModelRecord> read = registry_->Get(7);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->created_at, 1'700'000'123);
  EXPECT_FALSE(read->active);
  EXPECT_EQ(read->artifact.checksum, "abc123");
  EXPECT_EQ(read->artifact.file_path, "/replica/models/replicated-model-7.vtm");
  EXPECT_FALSE(read->artifact.job_id.has_value());
  EXPECT_FALSE(read->artifact.parent_model_id.has_value());
  ASSERT_TRUE(registry_->Activate(7).ok());

  EXPECT_EQ(registry_->InsertReplicated(7, 1, Artifact("/other.vtm")).status().code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(registry_->InsertReplicated(0, 1, Artifact("/other.vtm")).status().code(),
            absl::StatusCode::kInvalidArgument);
  // A model trained here afterwards takes an id after the replicated one.
  EXPECT_EQ(InsertModel("/models/local.vtm"), 8);
}

}  // namespace
}  // namespace vitrina::registry
