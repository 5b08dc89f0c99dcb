#pragma once

#include <cstdint>

#include "vitrina/v1/exposure.pb.h"

namespace vitrina::experiments {

// Where the server reports every answer it gave and every outcome it observed. Append never
// waits on disk and never fails the request: a backend that cannot keep up counts what it drops.
class ExposureLog {
 public:
  virtual ~ExposureLog() = default;

  // Takes the record (its `sequence` is assigned here) and returns the sequence, 0 if dropped.
  virtual uint64_t Append(v1::ExposureLogRecord record) = 0;
};

// Logging switched off: every record is accepted and forgotten.
class NullExposureLog final : public ExposureLog {
 public:
  uint64_t Append(v1::ExposureLogRecord) override { return 0; }
};

}  // namespace vitrina::experiments
