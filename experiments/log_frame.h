#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace vitrina::experiments {

// On-disk layout of an exposure log file (docs/EXPERIMENTS.md):
//   file   = kFileHeader, then frames
//   frame  = marker (4 bytes) | payload length (u32 LE) | CRC-32 of length+payload (u32 LE) | payload
// The marker lets a reader find the next frame after a damaged one; the CRC covers the length, so a
// damaged length is detected instead of sending the reader off by a wrong amount; a frame cut short
// by a crash fails the length or CRC check and is never decoded.
inline constexpr std::string_view kFileHeader = "VXLOG\x01\r\n";
inline constexpr std::string_view kFrameMarker = "\xE7\x0C\x5A\xA5";
inline constexpr size_t kFrameOverhead = 12;
// No record comes near this; a larger length can only be damage.
inline constexpr uint32_t kMaxPayloadBytes = 16u << 20;

// Appends one frame holding `payload` to `out`.
void AppendFrame(std::string_view payload, std::string& out);

enum class FrameCheck {
  kOk,         // a whole frame: *payload is set and *frame_bytes is its size
  kTruncated,  // the bytes end inside what a frame header announces (or before a whole header)
  kDamaged,    // no frame starts here (wrong marker, impossible length, CRC mismatch)
};

// Checks whether a frame starts at the beginning of `bytes`.
FrameCheck CheckFrame(std::string_view bytes, std::string_view* payload, size_t* frame_bytes);

}  // namespace vitrina::experiments
