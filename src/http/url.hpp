#pragma once
// Pure helpers for request targets (RFC 3986 / RFC 7230 section 5.3): splitting, percent-
// decoding and query parsing. No I/O; fuzzed by fuzz/http_request_fuzz.cpp.
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace cis::http {

struct TargetParts {
    std::string_view path;   // still encoded, starts with '/' (or is "*")
    std::string_view query;  // after '?', without it; fragment (never sent by clients) dropped
};

// Origin-form "/p?q", absolute-form "http://host/p?q" (path "/" when absent) and the
// asterisk-form "*"; nullopt for anything else (authority-form, relative paths).
std::optional<TargetParts> split_target(std::string_view target);

// Appends the decoding of `in` to `out`; '+' becomes ' ' when plus_as_space (query strings).
// False on a malformed escape ("%4", "%zz"); `out` then holds a partial result.
bool percent_decode(std::string_view in, std::string& out, bool plus_as_space = false);

// "a=1&b=x+y&c" → {a:1, b:"x y", c:""}; empty pieces are skipped. nullopt on a malformed
// escape.
std::optional<std::multimap<std::string, std::string>> parse_query(std::string_view query);

}  // namespace cis::http
