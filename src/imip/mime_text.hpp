#pragma once
// The MIME and RFC 5322 encodings an invitation needs, written for the per-recipient hot
// path: GMime's object model costs ≈130 µs a message (ARCHITECTURE.md), these cost
// nanoseconds. Output is always 7-bit, CRLF, and never contains "=_" (MIME boundaries
// of ours start with it, so no encoded body can contain one).
#include <cstdint>
#include <string>
#include <string_view>

namespace cis::imip {

// Base64 (RFC 2045) in lines of 76 characters, each ended by CRLF.
void append_base64_lines(std::string& out, std::string_view data);
std::size_t base64_lines_size(std::size_t input_size);

// Quoted-printable (RFC 2045 §6.7) of UTF-8 text whose line breaks are LF, CRLF or CR:
// hard line breaks become CRLF, lines are soft-broken at 76 characters, and '=' plus
// every non-printable or non-ASCII byte are encoded, as is white space before a break.
std::string quoted_printable(std::string_view text);

// "Name <address>" for From:/To:. The name is left as is when it is only atoms, a
// quoted-string when it has specials ("Doe, Jane"), RFC 2047 encoded words when it is not
// ASCII. Control characters in either part are dropped (no header injection). `used` is
// how many characters of the current header line precede it ("To: " = 4): encoded words
// are folded so that lines stay within 76 characters.
void append_mailbox(std::string& out, std::string_view name, std::string_view address,
                    std::size_t used);

// An unstructured header value (Subject): as is when printable ASCII, RFC 2047 "B"
// encoded words otherwise; folded, never splitting a UTF-8 character between words.
void append_unstructured(std::string& out, std::string_view text, std::size_t used);

// `value` without CR, LF and other control characters: for header fields that the
// caller gives (addresses, URLs), so that none can add a header of its own.
void append_header_safe(std::string& out, std::string_view value);

// RFC 5322 date in UTC: "Wed, 01 May 2024 08:00:00 +0000".
std::string rfc5322_date(std::int64_t epoch);

// HTML text and attribute escaping: & < > " ' (invalid UTF-8 becomes U+FFFD).
std::string html_escape(std::string_view text);

}  // namespace cis::imip
