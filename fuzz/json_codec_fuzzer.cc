// The HTTP edge's JSON codec (server/http/json_codec). Input: a request body. It is parsed as each
// message the HTTP routes read from a body (and as the richest response, Model, for coverage of
// timestamps and nested messages); whatever parses must print and parse back to the same message.
// The input is also quoted with QuoteJson, which must always give a JSON string that reads back
// as the input whenever the input is valid UTF-8.
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/stubs/common.h>
#include <google/protobuf/util/json_util.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz/fuzz_check.h"
#include "server/http/json_codec.h"
#include "vitrina/v1/admin.pb.h"
#include "vitrina/v1/recommender.pb.h"

namespace {

using vitrina::server::http::MessageToJson;
using vitrina::server::http::ParseJson;
using vitrina::server::http::QuoteJson;

// Map entries in a fixed order, so that equal messages give equal bytes.
std::string DeterministicBytes(const google::protobuf::Message& message) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream output(&stream);
    output.SetSerializationDeterministic(true);
    message.SerializeToCodedStream(&output);
  }
  return bytes;
}

template <class Message>
void CheckRoundTrip(std::string_view body) {
  Message message;
  const absl::Status parsed = ParseJson(body, message);
  if (!parsed.ok()) {
    FUZZ_CHECK(parsed.code() == absl::StatusCode::kInvalidArgument);
    return;
  }
  const absl::StatusOr<std::string> json = MessageToJson(message);
  FUZZ_CHECK(json.ok());
  Message reread;
  FUZZ_CHECK(ParseJson(*json, reread).ok());
  FUZZ_CHECK(DeterministicBytes(reread) == DeterministicBytes(message));
}

void CheckQuote(std::string_view text) {
  const std::string quoted = QuoteJson(text);
  google::protobuf::Value value;
  const auto status = google::protobuf::util::JsonStringToMessage(quoted, &value);
  FUZZ_CHECK(status.ok());
  FUZZ_CHECK(value.kind_case() == google::protobuf::Value::kStringValue);
  if (google::protobuf::internal::IsStructurallyValidUTF8(text.data(), static_cast<int>(text.size()))) {
    FUZZ_CHECK(value.string_value() == text);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  CheckRoundTrip<vitrina::v1::RecordInteractionRequest>(body);
  CheckRoundTrip<vitrina::v1::ScheduleTrainingRequest>(body);
  CheckRoundTrip<vitrina::v1::InvalidateCacheRequest>(body);
  CheckRoundTrip<vitrina::v1::BlacklistRequest>(body);
  CheckRoundTrip<vitrina::v1::TrainModelRequest>(body);
  CheckRoundTrip<vitrina::v1::Model>(body);
  CheckQuote(body);
  return 0;
}
