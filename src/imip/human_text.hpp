#pragma once
// What a person reads: the Subject and the text/plain and text/html bodies (SPEC §3.2:
// what, when in the event's own zone, where, description). They do not depend on the
// recipient, so they are written once per event version. English only for now.
#include <string>
#include <string_view>
#include <vector>

#include "core/event.hpp"
#include "imip/kind.hpp"

namespace cis::imip {

struct HumanText {
    std::string subject;  // UTF-8, not yet RFC 2047 encoded
    std::string plain;    // UTF-8, LF line breaks
    std::string html;     // UTF-8, every value HTML-escaped
};

// `occurrences`: for the cancellation of instances, their recurrence keys.
HumanText describe(const Event& event, Kind kind, std::string_view organizer_name,
                   const std::vector<std::string>& occurrences = {});

// "Wed 1 May 2024 10:00 - 11:00 (Europe/Berlin)" (short) or
// "Wednesday, 1 May 2024, 10:00 - 11:00 (Europe/Berlin, UTC+02:00)" (long).
std::string when_text(const EventFields& fields, bool long_form);

// "weekly", "every 2 weeks", ...; empty when the rule has no FREQ we name.
std::string repeat_text(std::string_view rrule);

}  // namespace cis::imip
