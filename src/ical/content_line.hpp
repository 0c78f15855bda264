#pragma once
// A small RFC 5545 §3.1 content-line reader for what libical 3.0 loses: it keeps only
// the first value of a multi-valued parameter (DELEGATED-TO="mailto:a","mailto:b") and
// drops IANA parameters it does not know (Apple's TO-ALL-PROPOSED-NEW-TIME). Works on
// any bytes: nothing is assumed about the input, nothing throws.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cis::ical {

struct ContentLine {
    std::string name;  // upper case
    // Parameter name (upper case) → its values, DQUOTEs removed, in the order written.
    std::vector<std::pair<std::string, std::vector<std::string>>> params;
    std::string value;  // everything after the first ':' outside quotes, as written

    // Every value of every parameter called `name` (upper case).
    std::vector<std::string> values_of(std::string_view name) const;
    const std::string* first_value_of(std::string_view name) const;
};

// The logical lines of an iCalendar text: folded lines joined (CRLF or LF followed by a
// space or tab), line ends CRLF, LF or CR; empty lines dropped.
std::vector<std::string> unfold_lines(std::string_view text);

// One logical line. A line without ':' outside quotes gives a name and no value.
ContentLine parse_content_line(std::string_view line);

}  // namespace cis::ical
