# Flags of the fuzz tree (VITRINA_FUZZ=ON, configured by scripts/fuzz.sh with clang++).
# Everything compiled here gets libFuzzer's coverage instrumentation and ASan + UBSan; the fuzz
# targets alone link libFuzzer's main (-fsanitize=fuzzer, fuzz/CMakeLists.txt). UBSan aborts on
# the first finding, so that libFuzzer sees it as a crash and keeps the input.
if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "VITRINA_FUZZ needs clang++ (libFuzzer), not ${CMAKE_CXX_COMPILER_ID}; use scripts/fuzz.sh")
endif()
add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
add_link_options(-fsanitize=address,undefined)
# Assertions stay on (no NDEBUG): Eigen's index checks are findings too. -O1 as libFuzzer advises.
# scripts/fuzz.sh configures RelWithDebInfo.
set(CMAKE_CXX_FLAGS_RELWITHDEBINFO "-O1 -g")
