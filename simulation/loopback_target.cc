#include "simulation/loopback_target.h"

#include <arpa/inet.h>

#include <charconv>

#include "fmt/format.h"

namespace vitrina::simulation {
namespace {

bool IsLoopbackIpv4(const std::string& host) {
  in_addr address{};
  if (inet_pton(AF_INET, host.c_str(), &address) != 1) return false;
  return (ntohl(address.s_addr) >> 24) == 127;
}

}  // namespace

std::string LoopbackTarget::ToString() const {
  return host.find(':') == std::string::npos ? fmt::format("{}:{}", host, port)
                                             : fmt::format("[{}]:{}", host, port);
}

absl::StatusOr<LoopbackTarget> ParseLoopbackTarget(std::string_view text) {
  auto invalid = [&](std::string_view why) {
    return absl::InvalidArgumentError(fmt::format(
        "--http '{}': {} (expected 127.x.y.z:PORT, localhost:PORT or [::1]:PORT)", text, why));
  };
  const size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return invalid("no port");
  LoopbackTarget target;
  target.host = std::string(text.substr(0, colon));
  const std::string_view port = text.substr(colon + 1);
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), target.port);
  if (port.empty() || ec != std::errc() || end != port.data() + port.size() || target.port < 1 ||
      target.port > 65535) {
    return invalid("the port must be an integer in [1, 65535]");
  }
  if (target.host == "[::1]") {
    target.host = "::1";
    return target;
  }
  if (target.host == "localhost" || IsLoopbackIpv4(target.host)) return target;
  return invalid("only loopback targets are allowed (127.0.0.0/8, localhost, [::1])");
}

}  // namespace vitrina::simulation
