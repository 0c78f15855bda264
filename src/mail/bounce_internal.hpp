#pragma once
// Internals of classify_bounce (bounce.hpp), one file per concern; no other callers.
#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace cis::mail::bounce_detail {

// --- bounce_fields.cpp: header-like text, addresses, status codes -------------------

struct Field {
    std::string name;   // lower-cased
    std::string value;  // unfolded, trimmed
};
using FieldBlock = std::vector<Field>;

// "Name: value" lines with folded continuations, in blocks separated by blank lines
// (the body of message/delivery-status and message/feedback-report, a header block).
// Lines that are neither a field nor a continuation are skipped; empty blocks dropped.
// GMime hands a message/delivery-status body over as opaque content: its own header
// parser reads one header block and calls the rest a body, while RFC 3464 puts the
// per-message fields and then one block per recipient one after the other. Hence this
// small parser, also used for the headers of an original quoted in plain text.
std::vector<FieldBlock> parse_field_blocks(std::string_view text);
std::string field(const FieldBlock& block, std::string_view name);  // first value, or ""

std::string lower(std::string_view s);
std::string collapse_spaces(std::string_view s);  // whitespace runs → one space, trimmed
// For people: one line, valid UTF-8, at most about `max` bytes (cut with "…").
std::string one_line(std::string_view s, std::size_t max = 600);
bool contains_any(std::string_view haystack, std::initializer_list<std::string_view> needles);

// The first address (local@domain.tld) written in the text, "mailto:" and <> dropped,
// domain lower-cased; "" when none. `end` receives the offset just past it.
std::string first_address(std::string_view text, std::size_t* end = nullptr);
// A DSN address field ("rfc822; <a@b.c>"): the address, or "" when it is not one.
std::string address_of_field(std::string_view value);
// "<id@host>" → "id@host".
std::string bare_id(std::string_view value);

// An RFC 3463 code "c.s.d" (class 2/4/5, 1–3 digits each) at the start of `token`.
bool is_enhanced_code(std::string_view token);
// The enhanced code in free text, preferring one that follows an SMTP reply code of the
// same class ("550 5.1.1", "550-'5.7.1"); class_digit 0 accepts any class. "" if none.
std::string enhanced_code(std::string_view text, char class_digit = 0);
// The first SMTP failure reply code (4xx, 5xx) standing alone in the text, or 0.
int smtp_code(std::string_view text);

// --- bounce_mime.cpp: the parts of the report, found with GMime -------------------

struct Original {  // headers of the returned original message
    std::string message_id, envelope_from, to;
};

struct BounceParts {
    bool readable = false;
    std::string content_type;  // top level, lower-cased "type/subtype"
    std::string report_type;   // its report-type parameter, lower-cased
    std::string subject;       // decoded
    std::string from;          // the From: header as written
    FieldBlock headers;        // top-level headers, for X-Failed-Recipients, Auto-Submitted...
    std::string human_text;    // the first text/plain part outside the original, UTF-8
    std::string delivery_status, feedback_report;  // bodies of those parts
    bool has_delivery_status = false, has_feedback_report = false;
    Original original;
};

BounceParts read_parts(std::string_view raw);

// --- bounce_text.cpp: the human-readable text of a bounce ---------------------------

struct TextReading {
    bool bounce_wording = false;  // "could not be delivered to", "failed permanently", ...
    std::string recipient;        // the address the text says failed
    std::string diagnostic;       // the remote server's words as quoted by the text
    std::string wording;          // the text before the copy, lower-cased, one line
    Original original;            // the copy of the original's headers, when present
};

TextReading read_text(std::string_view text);
Original original_from_headers(const FieldBlock& headers);

bool says_delayed(std::string_view lower_text);
bool says_mailbox_full(std::string_view lower_text);
bool says_policy_block(std::string_view lower_text);
bool says_address_dead(std::string_view lower_text);
bool says_permanent(std::string_view lower_text);

}  // namespace cis::mail::bounce_detail
