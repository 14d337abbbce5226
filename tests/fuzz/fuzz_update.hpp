// Fuzz entry point over update decoding + integration, shared by the libFuzzer target and the
// always-on replay test. Any crash, sanitizer report or broken invariant is a finding.
#pragma once
#include <cstddef>
#include <cstdint>

namespace tandem::fuzz {
/// Applies data as a v1 update to an empty doc and to a doc with prior content (gc on and off),
/// checks invariants, round-trips the full state through a fresh doc, and runs
/// merge_updates / diff_update / encode_state_vector_from_update on it.
void one_input(const std::uint8_t* data, std::size_t size);
}  // namespace tandem::fuzz
