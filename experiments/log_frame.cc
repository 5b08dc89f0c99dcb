#include "experiments/log_frame.h"

#include <zlib.h>

#include <algorithm>

namespace vitrina::experiments {
namespace {

void PutU32(uint32_t value, std::string& out) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
}

uint32_t GetU32(const char* bytes) {
  uint32_t value = 0;
  for (int i = 3; i >= 0; --i) value = (value << 8) | static_cast<uint8_t>(bytes[i]);
  return value;
}

uint32_t FrameCrc(std::string_view length_bytes, std::string_view payload) {
  uLong crc = crc32(0L, Z_NULL, 0);
  crc = crc32(crc, reinterpret_cast<const Bytef*>(length_bytes.data()), static_cast<uInt>(length_bytes.size()));
  crc = crc32(crc, reinterpret_cast<const Bytef*>(payload.data()), static_cast<uInt>(payload.size()));
  return static_cast<uint32_t>(crc);
}

}  // namespace

void AppendFrame(std::string_view payload, std::string& out) {
  out.append(kFrameMarker);
  const size_t length_at = out.size();
  PutU32(static_cast<uint32_t>(payload.size()), out);
  PutU32(FrameCrc(std::string_view(out).substr(length_at, 4), payload), out);
  out.append(payload);
}

FrameCheck CheckFrame(std::string_view bytes, std::string_view* payload, size_t* frame_bytes) {
  const size_t marker_seen = std::min(bytes.size(), kFrameMarker.size());
  if (bytes.substr(0, marker_seen) != kFrameMarker.substr(0, marker_seen)) return FrameCheck::kDamaged;
  if (bytes.size() < kFrameOverhead) return FrameCheck::kTruncated;
  const uint32_t length = GetU32(bytes.data() + 4);
  if (length > kMaxPayloadBytes) return FrameCheck::kDamaged;
  if (bytes.size() < kFrameOverhead + length) return FrameCheck::kTruncated;
  const std::string_view body = bytes.substr(kFrameOverhead, length);
  if (FrameCrc(bytes.substr(4, 4), body) != GetU32(bytes.data() + 8)) return FrameCheck::kDamaged;
  *payload = body;
  *frame_bytes = kFrameOverhead + length;
  return FrameCheck::kOk;
}

}  // namespace vitrina::experiments
