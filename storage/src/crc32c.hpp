// CRC32C (Castagnoli), the checksum on every stored record. Hardware (SSE4.2) when the
// CPU has it, a table-driven slice-by-8 otherwise; both give the same values.
#pragma once

#include <cstddef>
#include <cstdint>

namespace tandem::storage::detail {

// Continues a CRC: crc32c(crc32c(0, a), b) == crc32c(0, a || b). Start with 0.
std::uint32_t crc32c(std::uint32_t crc, const void* data, std::size_t size) noexcept;

}  // namespace tandem::storage::detail
