#pragma once
// Small ASCII text helpers every layer needs: protocol tokens (schemes, media types, hosts,
// addresses) compare without regard to ASCII case, and URLs percent-encode what they must.
// ASCII only on purpose: these are protocol elements, not human text (no locale, no ICU).
#include <string>
#include <string_view>

namespace cis {

std::string ascii_lower(std::string_view text);
bool starts_with_nocase(std::string_view text, std::string_view lower_prefix);

// "Text/CSV; charset=utf-8" → "text/csv": a Content-Type's media type, lower-case, without
// parameters or blanks.
std::string media_type(std::string_view content_type);

// Percent-encodes (RFC 3986, upper-case hex) every byte for which `keep` is false.
std::string percent_encode(std::string_view text, bool (*keep)(unsigned char));

}  // namespace cis
