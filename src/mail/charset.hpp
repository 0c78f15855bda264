#pragma once
// Turning untrusted bytes in a declared (or undeclared) charset into valid UTF-8.
#include <string>
#include <string_view>

namespace cis::mail {

bool is_valid_utf8(std::string_view s);
// Replaces every invalid UTF-8 sequence with U+FFFD, so later layers (JSON, SQLite,
// libical) only ever see valid text.
std::string sanitize_utf8(std::string_view s);

// Converts `bytes` to UTF-8. UTF-16 (by BOM or by its NUL pattern) is recognised
// whatever the label says; text that is already valid UTF-8 is kept even when the
// label says otherwise (Outlook for Mac labels UTF-8 calendars US-ASCII); other bytes
// are decoded from the declared charset, windows-1252 when none or an unknown one.
std::string to_utf8(std::string_view bytes, std::string_view declared_charset);

}  // namespace cis::mail
