#pragma once
// Reading an incoming RFC 5322 message: who sent it and every calendar it carries,
// wherever in the MIME tree a real client put it (shared/CLIENT-QUIRKS.md §1).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cis::mail {

struct CalendarPart {
    std::string text;          // the iCalendar object, converted to UTF-8
    std::string method_param;  // the MIME method= parameter as written ("" when absent)
    std::string where;       // for explanations: "text/calendar part", "attachment invite.ics", ...
    bool forwarded = false;  // found inside a message/rfc822 part
};

// A CSV file attached to the message (a list mailed to bulk@, events mailed to create@).
struct TablePart {
    std::string text;          // converted to UTF-8
    std::string filename;      // "" when the part has none
    std::string content_type;  // lower-case media type, e.g. text/csv
};

struct InboundMessage {
    std::string from_address;  // normalised address of the first From: mailbox ("" if none)
    std::string from_name;
    std::string subject;  // decoded to UTF-8
    std::string message_id;
    std::int64_t date = 0;  // Date: header as epoch seconds, 0 when missing or invalid
    // Headers that mark automatic mail (RFC 3834 and older conventions), as written, ""
    // when absent: for itip::detect_auto_reply.
    std::string auto_submitted, x_autoreply, x_autorespond, precedence;
    std::vector<CalendarPart> calendars;   // distinct calendars, inline ones first
    bool has_tnef = false;                 // a winmail.dat / application/ms-tnef part
    std::vector<std::string> attachments;  // names of other attachments, for explanations
    // Attachments of type text/csv, application/csv, application/vnd.ms-excel or text/plain,
    // or named *.csv.
    std::vector<TablePart> tables;
};

// Parses the message. Never throws on malformed input: what cannot be read is
// simply absent (no From:, no calendars) and the caller explains that outcome.
InboundMessage parse_inbound(std::string_view raw);

}  // namespace cis::mail
