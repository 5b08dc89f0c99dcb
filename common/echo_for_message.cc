#include "common/echo_for_message.h"

#include "fmt/format.h"

namespace vitrina::common {
namespace {

bool IsContinuationByte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

}  // namespace

std::string EchoForMessage(std::string_view input, size_t max_bytes) {
  if (input.size() <= max_bytes) return std::string(input);
  size_t cut = max_bytes;
  // Never half a character: back up to the start of the one the cut would split.
  while (cut > 0 && IsContinuationByte(input[cut])) --cut;
  return fmt::format("{}…({} bytes)", input.substr(0, cut), input.size());
}

}  // namespace vitrina::common
