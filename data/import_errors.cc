#include "data/import_errors.h"

#include "fmt/format.h"

namespace vitrina::data {

void ImportErrors::Add(std::string_view file, int64_t line, int64_t column,
                       std::string_view message) {
  ++count_;
  if (messages_.size() >= max_kept_) return;
  if (line <= 0) {
    messages_.push_back(fmt::format("{}: {}", file, message));
  } else if (column <= 0) {
    messages_.push_back(fmt::format("{}:{}: {}", file, line, message));
  } else {
    messages_.push_back(fmt::format("{}:{}:{}: {}", file, line, column, message));
  }
}

}  // namespace vitrina::data
