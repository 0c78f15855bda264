#pragma once
// RFC 5545 content-line helpers for the calendars CIS writes: TEXT escaping, parameter
// quoting and line folding. Pure functions over UTF-8 bytes; all of them accept any
// input (invalid UTF-8 included) and always produce valid iCalendar, so they are safe on
// whatever an organizer's client sent us.
#include <string>
#include <string_view>

namespace cis::imip {

// Length of the valid UTF-8 sequence starting at s[i], or 0 when the bytes there are not
// one (stray continuation, overlong form, surrogate, beyond U+10FFFF, truncated).
std::size_t utf8_sequence_length(std::string_view s, std::size_t i);

// `s` with every invalid UTF-8 sequence replaced by U+FFFD.
std::string valid_utf8(std::string_view s);

// RFC 5545 §3.3.11 TEXT: '\' ';' ',' escaped with a backslash, every line break (CRLF, LF,
// CR) written as "\n". Other control characters (except TAB) are not allowed in TEXT and
// are dropped; invalid UTF-8 becomes U+FFFD.
std::string escape_text(std::string_view text);
void append_escaped_text(std::string& out, std::string_view text);

// A parameter value (RFC 5545 §3.1): DQUOTE-quoted when it holds ':' ';' or ','
// (CN="Müller, Hans"). A DQUOTE cannot appear in a value at all and becomes "'"; line
// breaks and other control characters become spaces. RFC 6868's ^-escapes are not used:
// most clients show them literally.
std::string quote_param(std::string_view value);
void append_param(std::string& out, std::string_view value);

// Appends one content line (given without its line break) folded as RFC 5545 §3.1 wants:
// no physical line longer than 75 octets, continuation lines starting with a space, and
// no UTF-8 sequence ever split between two lines. Every physical line ends in CRLF.
void append_folded(std::string& out, std::string_view line);
std::string fold_line(std::string_view line);

}  // namespace cis::imip
