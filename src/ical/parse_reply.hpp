#pragma once
// iCalendar text (UTF-8) of an attendee's answer → IncomingReply (core/reply.hpp): per
// VEVENT the UID, RECURRENCE-ID, SEQUENCE, DTSTAMP, every ATTENDEE with its PARTSTAT and
// delegation, the ORGANIZER when there is one (outlook.com and Exchange leave it out),
// COMMENT, and a proposed new time (COUNTER, or iOS's TO-ALL-PROPOSED-NEW-TIME inside a
// REPLY). The METHOD is read but not checked: REPLY, COUNTER, REFRESH and anything else
// come back as they are, and deciding is for itip/reply_rules.
//
// libical does the RFC 5545 parsing, as for requests (parse_calendar); the ATTENDEE
// parameters libical 3.0 loses are read from the text itself (ical/content_line).
// Never throws; what cannot be read is left out and said in `warnings` or `error`.
#include <string>
#include <string_view>
#include <vector>

#include "core/reply.hpp"

namespace cis::ical {

struct ParsedReply {
    IncomingReply reply;
    std::vector<std::string> warnings;  // what was skipped or guessed
    std::string error;                  // non-empty when nothing usable could be read
};

ParsedReply parse_reply(std::string_view text);

}  // namespace cis::ical
