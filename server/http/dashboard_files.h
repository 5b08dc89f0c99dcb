#pragma once

#include <span>

#include "server/http/embedded_file.h"

namespace vitrina::server::http {

// The operator dashboard's files, embedded at build time (server/http/CMakeLists.txt): the page
// (index.html), its scripts and styles from server/http/dashboard/, and the vendored chart
// library from third_party/uplot/.
std::span<const EmbeddedFile> DashboardFiles();

}  // namespace vitrina::server::http
