#pragma once

#include <charconv>
#include <cmath>
#include <optional>
#include <string_view>
#include <type_traits>

namespace vitrina::common {

// The whole of `text` as a number of type T, or nullopt: no sign-less garbage, no trailing
// characters, no overflow, and for floating point only finite values ("nan" and "inf" parse in
// from_chars but mean nothing as a parameter).
template <class T>
std::optional<T> ParseNumber(std::string_view text) {
  static_assert(std::is_arithmetic_v<T> && !std::is_same_v<T, bool>);
  T value{};
  const char* end = text.data() + text.size();
  auto [stop, error] = std::from_chars(text.data(), end, value);
  if (text.empty() || error != std::errc() || stop != end) return std::nullopt;
  if constexpr (std::is_floating_point_v<T>) {
    if (!std::isfinite(value)) return std::nullopt;
  }
  return value;
}

}  // namespace vitrina::common
