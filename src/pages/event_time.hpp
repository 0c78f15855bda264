#pragma once
// When an event is, as a page shows it: in the event's own zone, from the wall-clock text
// the organizer's client wrote (no zone table per row: a schedule has thousands), plus the
// UTC instant the page script turns into the visitor's time.
#include <string>

#include "core/event.hpp"

namespace cis::pages {

struct EventWhen {
    std::string text;   // "Sat 3 Apr 2027, 19:05 (Europe/Berlin)"; all-day: "Sat 3 Apr 2027"
    std::string utc;    // "2027-04-03T17:05:00Z"; "" for all-day events
    std::string zone;   // the IANA name, "UTC", or "" (floating, all-day)
    std::string date;   // local "2027-04-03"
    std::string month;  // local "2027-04"
};

EventWhen event_when(const EventFields& fields);

}  // namespace cis::pages
