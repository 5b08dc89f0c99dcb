#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vitrina::data {

// The bad rows of an import, each as "file:line:column: message" (column left out when unknown,
// line too for a problem of the whole file). Keeps the first `max_kept` messages and counts the
// rest; readers stop early once `full()`, so a file of garbage does not produce a million lines.
class ImportErrors {
 public:
  explicit ImportErrors(size_t max_kept) : max_kept_(max_kept == 0 ? 1 : max_kept) {}

  void Add(std::string_view file, int64_t line, int64_t column, std::string_view message);

  bool empty() const { return count_ == 0; }
  bool full() const { return count_ >= max_kept_; }
  size_t count() const { return count_; }
  const std::vector<std::string>& messages() const { return messages_; }

 private:
  size_t max_kept_;
  size_t count_ = 0;
  std::vector<std::string> messages_;
};

}  // namespace vitrina::data
