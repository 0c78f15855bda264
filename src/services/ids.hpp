#pragma once
// Random identifiers and digests (OpenSSL).
#include <string>
#include <string_view>

namespace cis::services {

// 128 random bits, base64url without padding (22 characters): unguessable, URL-safe.
std::string new_event_id();
// `bytes` random bytes, base64url without padding; never starts with '-'.
std::string random_token(std::size_t bytes);
std::string sha256_hex(std::string_view data);
// HMAC-SHA256 of `data` under `key`, hex, cut to `hex_chars` (≤ 64).
std::string hmac_hex(std::string_view key, std::string_view data, std::size_t hex_chars = 64);
// Compares secrets without leaking their length of common prefix through timing.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace cis::services
