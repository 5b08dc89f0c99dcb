#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "data/prepared_dataset.h"
#include "google/protobuf/message.h"
#include "registry/job.h"
#include "registry/search_trial_store.h"
#include "registry/model.h"
#include "vitrina/v1/admin.pb.h"

namespace vitrina::server {

// The registry stores params, metrics and dataset stats as protobuf JSON: readable with sqlite3,
// and the same text grpcurl shows.
std::string ToJson(const google::protobuf::Message& message);
absl::Status FromJson(const std::string& json, google::protobuf::Message* message);

v1::Model ToProto(const registry::ModelRecord& record);
v1::Job ToProto(const registry::JobRecord& record);
v1::SearchTrial ToProto(const registry::SearchTrialRecord& record);
v1::DatasetStats ToProto(const data::DatasetStats& stats);

v1::JobStatus ToProto(registry::JobStatus status);
std::optional<registry::JobStatus> FromProto(v1::JobStatus status);
registry::ActivatePolicy FromProto(v1::Activation activation);
v1::Activation ToProto(registry::ActivatePolicy policy);
registry::JobKind FromProto(v1::TrainingKind kind);
v1::TrainingKind ToProto(registry::JobKind kind);

// A stored time outside google.protobuf.Timestamp's range (a row written before times were
// checked, or by hand) is clamped to it: one bad value must not make a whole answer unprintable.
google::protobuf::Timestamp ToTimestamp(registry::UnixSeconds seconds);

// The whole seconds of a request's Timestamp field. InvalidArgument naming `field` when it lies
// outside google.protobuf.Timestamp's range (0001-01-01..9999-12-31, nanos 0..999999999), which
// a client sending binary protobuf can ignore.
absl::StatusOr<registry::UnixSeconds> FromTimestamp(std::string_view field,
                                                    const google::protobuf::Timestamp& timestamp);

}  // namespace vitrina::server
