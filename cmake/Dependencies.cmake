# Every dependency is a Debian 12 package (scripts/install-deps.sh installs them all).
# See ../shared/STACK-NOTES.md for why each one is found the way it is.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)

find_package(Protobuf REQUIRED)               # module mode: Debian ships no CONFIG package
find_package(gRPC CONFIG REQUIRED)            # gRPC::grpc++, gRPC::grpc++_reflection, gRPC::grpc_cpp_plugin
find_package(absl CONFIG REQUIRED)            # absl::status, absl::statusor, absl::flat_hash_map (ships with gRPC)
find_package(Eigen3 3.4 REQUIRED NO_MODULE)   # Eigen3::Eigen
find_package(SQLiteCpp CONFIG REQUIRED)       # SQLiteCpp (no namespace)
find_package(spdlog CONFIG REQUIRED)          # spdlog::spdlog (+ fmt::fmt)
find_package(yaml-cpp CONFIG REQUIRED)        # yaml-cpp
find_package(CLI11 CONFIG REQUIRED)           # CLI11::CLI11
find_package(nlohmann_json 3.11 CONFIG REQUIRED)  # nlohmann_json::nlohmann_json (vitrina-import JSON Lines)
# prometheus-cpp 1.0 (prometheus-cpp-dev): only its core (registry, metrics, TextSerializer) is
# linked; /metrics is served by the HTTP gateway, not by the pull library's civetweb Exposer.
find_package(prometheus-cpp CONFIG REQUIRED)  # prometheus-cpp::core
pkg_check_modules(HIREDIS REQUIRED IMPORTED_TARGET hiredis)          # PkgConfig::HIREDIS
# cpp-httplib's compile definitions (OpenSSL/zlib/brotli) live only in its .pc: without them the
# class layouts differ silently.
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)      # PkgConfig::HTTPLIB

find_path(MYSQLCPPCONN_INCLUDE_DIR mysql_driver.h PATH_SUFFIXES cppconn REQUIRED)
find_library(MYSQLCPPCONN_LIBRARY mysqlcppconn REQUIRED)
add_library(vitrina::mysqlcppconn INTERFACE IMPORTED)
target_link_libraries(vitrina::mysqlcppconn INTERFACE ${MYSQLCPPCONN_LIBRARY})

find_path(HNSWLIB_INCLUDE_DIR hnswlib/hnswlib.h REQUIRED)
add_library(vitrina::hnswlib INTERFACE IMPORTED)
target_include_directories(vitrina::hnswlib INTERFACE ${HNSWLIB_INCLUDE_DIR})

if(VITRINA_BUILD_TESTS)
  find_package(GTest CONFIG REQUIRED)         # GTest::gtest_main, gtest_discover_tests()
  include(GoogleTest)
endif()
if(VITRINA_BUILD_BENCH)
  find_package(benchmark CONFIG REQUIRED)     # benchmark::benchmark
endif()
