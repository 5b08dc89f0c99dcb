#pragma once

#include <string_view>

namespace vitrina::server::http {

// A file compiled into the binary (cmake/EmbedFiles.cmake): its name as served and its bytes.
struct EmbeddedFile {
  std::string_view name;
  std::string_view bytes;
};

}  // namespace vitrina::server::http
