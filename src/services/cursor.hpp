#pragma once
// Opaque paging cursors (SPEC §4 "paging by cursor"): the sort key of the last row of a
// page, tagged with what it pages through and base64url-encoded, so clients treat it as a
// token and a cursor of one listing is refused by another instead of silently misread.
#include <optional>
#include <string>
#include <string_view>

namespace cis::services {

std::string encode_cursor(std::string_view listing, std::string_view key);
// The key, or nullopt when `cursor` is not one that encode_cursor made for `listing`.
std::optional<std::string> decode_cursor(std::string_view listing, std::string_view cursor);

// base64url without padding (RFC 4648 §5), and back (nullopt on any other character).
std::string base64url_encode(std::string_view bytes);
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace cis::services
