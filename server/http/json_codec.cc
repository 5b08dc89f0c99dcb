#include "server/http/json_codec.h"

#include <google/protobuf/util/json_util.h>

#include "common/echo_for_message.h"
#include "fmt/format.h"

namespace vitrina::server::http {
namespace {

constexpr size_t kMaxParserMessageBytes = 160;

// Length of the valid UTF-8 sequence at the start of `text`, or 0 when it is not one
// (overlong forms, surrogates and code points above U+10FFFF are invalid).
size_t Utf8SequenceLength(std::string_view text) {
  auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  unsigned char lead = byte(0);
  size_t length = 0;
  unsigned char second_min = 0x80;
  unsigned char second_max = 0xBF;
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) second_min = 0xA0;
    if (lead == 0xED) second_max = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) second_min = 0x90;
    if (lead == 0xF4) second_max = 0x8F;
  } else {
    return 0;
  }
  if (text.size() < length || byte(1) < second_min || byte(1) > second_max) return 0;
  for (size_t i = 2; i < length; ++i) {
    if (byte(i) < 0x80 || byte(i) > 0xBF) return 0;
  }
  return length;
}

}  // namespace

absl::StatusOr<std::string> MessageToJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  std::string json;
  auto status = google::protobuf::util::MessageToJsonString(message, &json, options);
  if (!status.ok()) {
    return absl::InternalError(
        fmt::format("cannot render {} as JSON: {}", message.GetDescriptor()->full_name(), status.message().ToString()));
  }
  return json;
}

absl::Status ParseJson(std::string_view json, google::protobuf::Message& message) {
  google::protobuf::util::JsonParseOptions options;
  auto status = google::protobuf::util::JsonStringToMessage(google::protobuf::StringPiece(json.data(), json.size()),
                                                            &message, options);
  if (!status.ok()) {
    // The parser's message quotes the body (an unknown field's name, a bad value): bounded like
    // any echo, with room for the parser's own words.
    return absl::InvalidArgumentError(
        fmt::format("the request body is not a valid {} in JSON: {}", message.GetDescriptor()->full_name(),
                    common::EchoForMessage(status.message().ToString(), kMaxParserMessageBytes)));
  }
  return absl::OkStatus();
}

std::string QuoteJson(std::string_view text) {
  std::string quoted = "\"";
  quoted.reserve(text.size() + 2);
  while (!text.empty()) {
    unsigned char c = static_cast<unsigned char>(text.front());
    size_t consumed = 1;
    switch (c) {
      case '"':
        quoted += "\\\"";
        break;
      case '\\':
        quoted += "\\\\";
        break;
      case '\n':
        quoted += "\\n";
        break;
      case '\r':
        quoted += "\\r";
        break;
      case '\t':
        quoted += "\\t";
        break;
      default:
        if (c < 0x20) {
          quoted += fmt::format("\\u{:04x}", c);
        } else if (size_t length = Utf8SequenceLength(text); length > 0) {
          quoted.append(text.substr(0, length));
          consumed = length;
        } else {
          quoted += "\\ufffd";
        }
    }
    text.remove_prefix(consumed);
  }
  quoted += '"';
  return quoted;
}

}  // namespace vitrina::server::http
