#pragma once
// iCalendar text (UTF-8) → IncomingCalendar: typed, zone-resolved values that the
// rules in itip/ can compare. libical does the RFC 5545 parsing; this file only
// reads its result and resolves times through ical/timezones.
#include <string>
#include <string_view>
#include <vector>

#include "core/event.hpp"

namespace cis::ical {

struct ParsedCalendar {
    IncomingCalendar calendar;
    std::vector<std::string> warnings;  // things we repaired or guessed, for the notification
    std::string error;                  // non-empty when nothing usable could be read
};

ParsedCalendar parse_calendar(std::string_view text);

}  // namespace cis::ical
