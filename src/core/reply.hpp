#pragma once
// An attendee's answer (iTIP REPLY, COUNTER, REFRESH; RFC 5546 §3.2.3-3.2.7) as the
// rsvp@ processor sees it: plain values read from one calendar by ical/parse_reply, so
// that the rules in itip/reply_rules stay pure.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/event.hpp"
#include "core/time.hpp"

namespace cis {

// One ATTENDEE line of a VEVENT.
struct ReplyAttendee {
    std::string address;   // mailto: stripped, lower-cased (normalize_address); "" if no email
    std::string raw;       // the calendar address as written ("MAILTO:Ann@X.org", "urn:uuid:…")
    std::string name;      // CN
    std::string email;     // EMAIL= parameter (RFC 7986; Thunderbird, iCloud), normalised
    std::string partstat;  // PARTSTAT as written ("ACCEPTED", "x-foo"); "" when absent
    std::vector<std::string> delegated_to, delegated_from;  // normalised addresses
    std::string sent_by;                                    // SENT-BY, normalised
    // iOS proposes a new time inside a REPLY: TO-ALL-PROPOSED-NEW-TIME="DTSTART:…;STATUS:;"
    // (CLIENT-QUIRKS §4). The parameter as written, "" when absent.
    std::string proposed_new_time;
};

// A new time an attendee proposes: the DTSTART/DTEND of a COUNTER, or the DTSTART of
// Apple's TO-ALL-PROPOSED-NEW-TIME (its end keeps the event's duration).
struct Proposal {
    CalTime start, end;
    std::string timezone;     // IANA zone of the proposal's times ("" for UTC, dates, floating)
    std::string source;       // "COUNTER" or "TO-ALL-PROPOSED-NEW-TIME"
    std::string proposed_by;  // the attendee's address, when the proposal came with one
};

// One VEVENT of a reply.
struct ReplyEvent {
    std::string uid;
    std::string recurrence_id;  // canonical key as for requests (ical::recurrence_key); "" = master
    std::optional<std::int64_t> sequence;  // SEQUENCE, absent when the client wrote none
    std::int64_t dtstamp = 0;              // DTSTAMP, epoch seconds (UTC); 0 when absent
    // X-MICROSOFT-CDO-REPLYTIME (Outlook for Mac): the time the answer was given. Outlook for
    // Mac and iOS echo the invitation's DTSTAMP, so this is the only time that moves.
    std::int64_t reply_time = 0;
    std::string organizer;       // normalised; "" when absent (outlook.com/Exchange omit it)
    std::string organizer_raw;   // as written; "" when absent
    std::string organizer_name;  // CN
    bool has_organizer = false;
    std::vector<ReplyAttendee> attendees;  // in the order written; VALARM attendees excluded
    std::string
        comment;  // COMMENT lines joined by "\n"; else Apple's X-CALENDARSERVER-PRIVATE-COMMENT
    std::string summary, location;  // echoed from the invitation, for messages
    // DTSTART/DTEND as written (echoed in a REPLY; the proposal in a COUNTER). `tzid` is the
    // TZID parameter as written ("" for UTC, floating and dates).
    std::optional<CalTime> start, end;
    std::string tzid;
    std::optional<Proposal> proposal;  // COUNTER, or an attendee's TO-ALL-PROPOSED-NEW-TIME

    // The reply's place in the RFC 5546 §2.1.5 order: SEQUENCE (0 when absent), then the
    // later of DTSTAMP and the reply time.
    Version version() const {
        return Version{sequence.value_or(0), dtstamp > reply_time ? dtstamp : reply_time};
    }
};

struct IncomingReply {
    std::string method;  // METHOD of the calendar, upper case; "" when absent
    std::string prodid;
    std::vector<ReplyEvent> events;
    // TZID → VTIMEZONE text (as libical serialises it) for every VTIMEZONE in the calendar.
    std::vector<std::pair<std::string, std::string>> vtimezones;
};

}  // namespace cis
