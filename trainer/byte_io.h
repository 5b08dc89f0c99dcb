#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "fmt/format.h"

// Little-endian encoding of numbers, strings and arrays for the model file.
namespace vitrina::trainer {

static_assert(std::endian::native == std::endian::little,
              "the model file is little-endian and written with memcpy");

class ByteWriter {
 public:
  template <class T>
  void Put(T value) {
    static_assert(std::is_arithmetic_v<T>);
    bytes_.append(reinterpret_cast<const char*>(&value), sizeof(T));
  }
  void PutString(std::string_view s) {
    Put<uint64_t>(s.size());
    bytes_.append(s);
  }
  // A count, then the elements.
  template <class T, class Allocator>
  void PutArray(const std::vector<T, Allocator>& values) {
    static_assert(std::is_arithmetic_v<T>);
    Put<uint64_t>(values.size());
    bytes_.append(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(T));
  }
  void PutRaw(std::string_view raw) { bytes_.append(raw); }
  std::string& bytes() { return bytes_; }

 private:
  std::string bytes_;
};

// Reads what ByteWriter wrote; every read is checked against the bytes left, and an array's count
// is checked before anything is allocated, so a corrupted length is a DataLoss, never a huge
// allocation or a read past the end.
class ByteReader {
 public:
  explicit ByteReader(std::string_view bytes) : bytes_(bytes) {}

  template <class T>
  absl::StatusOr<T> Get(std::string_view what) {
    static_assert(std::is_arithmetic_v<T>);
    if (bytes_.size() - position_ < sizeof(T)) return Truncated(what);
    T value;
    std::memcpy(&value, bytes_.data() + position_, sizeof(T));
    position_ += sizeof(T);
    return value;
  }
  absl::StatusOr<std::string> GetString(std::string_view what) {
    absl::StatusOr<uint64_t> size = Get<uint64_t>(what);
    if (!size.ok()) return size.status();
    if (*size > bytes_.size() - position_) return Truncated(what);
    std::string s(bytes_.substr(position_, *size));
    position_ += *size;
    return s;
  }
  template <class T, class Allocator = std::allocator<T>>
  absl::StatusOr<std::vector<T, Allocator>> GetArray(std::string_view what) {
    static_assert(std::is_arithmetic_v<T>);
    absl::StatusOr<uint64_t> count = Get<uint64_t>(what);
    if (!count.ok()) return count.status();
    if (*count > (bytes_.size() - position_) / sizeof(T)) return Truncated(what);
    std::vector<T, Allocator> values(*count);
    // An empty vector's data() may be null, and memcpy from or to null is undefined even for 0 bytes.
    if (*count > 0) std::memcpy(values.data(), bytes_.data() + position_, *count * sizeof(T));
    position_ += *count * sizeof(T);
    return values;
  }
  size_t remaining() const { return bytes_.size() - position_; }

 private:
  absl::Status Truncated(std::string_view what) const {
    return absl::DataLossError(
        fmt::format("model file truncated or corrupted: {} runs past the end "
                    "(offset {} of {})",
                    what, position_, bytes_.size()));
  }

  std::string_view bytes_;
  size_t position_ = 0;
};

}  // namespace vitrina::trainer
