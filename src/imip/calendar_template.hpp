#pragma once
// The iCalendar object of an invitation, prepared once per event version so that each
// recipient costs only two short lines. Everything but the UID and the ATTENDEE is the
// same for every recipient of a version: the VTIMEZONEs, DTSTAMP, SEQUENCE, times,
// recurrence, texts and ORGANIZER are folded and escaped once; render() interleaves
// them with the recipient's UID and ATTENDEE lines (one pair per VEVENT).
//
// Layout (RFC 5545/5546, CLIENT-QUIRKS §7): VCALENDAR with PRODID, VERSION, CALSCALE,
// METHOD; a VTIMEZONE for every TZID used; the master VEVENT carrying RRULE/RDATE and
// EXDATE — cancelled occurrences are EXDATEs of the master (RFC 5546 §3.2.2), moved or
// edited ones are VEVENTs with RECURRENCE-ID and the master's SEQUENCE (Outlook applies
// an override only when its SEQUENCE is not below the master's). A CANCEL of the whole
// event is the master alone with STATUS:CANCELLED; a CANCEL of occurrences is one VEVENT
// with its RECURRENCE-ID for each (RFC 5546 §3.2.5). Feeds (imip/feed) write the same
// VEVENTs through vevent_bodies(), with one UID per event and no ATTENDEE.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/event.hpp"

namespace cis::imip {

struct CalendarInput {
    explicit CalendarInput(const Event& e) : event(e) {}
    const Event& event;
    bool cancel = false;                   // METHOD:CANCEL, STATUS:CANCELLED
    std::vector<std::string> occurrences;  // with cancel: the recurrence keys of the instances
    std::string prodid;
    std::int64_t dtstamp = 0;    // epoch seconds
    std::string organizer_name;  // CN of ORGANIZER; empty: no CN
    std::string rsvp_address;    // mailto: of ORGANIZER
};

struct TimeStyle;

// TZID → VTIMEZONE text for every zone a calendar's times use, each once, written in TZID
// order. `year` picks the rules of zones whose rules changed (zone_text.hpp).
class ZoneSet {
  public:
    explicit ZoneSet(int year) : year_(year) {}
    void add(const TimeStyle& s);
    void append(std::string& out) const;

  private:
    int year_;
    std::map<std::string, std::string> zones_;
};

// The VEVENTs of one event as every calendar CIS writes them (invitations, feeds): for
// each VEVENT the lines between its UID and its ATTENDEE (DTSTAMP, SEQUENCE, times,
// recurrence, texts, STATUS, ORGANIZER), folded and escaped, without BEGIN/END. The
// caller adds UID (and ATTENDEE) and wraps them. Adds the zones they use to `zones`.
std::vector<std::string> vevent_bodies(const CalendarInput& in, ZoneSet& zones);

class CalendarTemplate {
  public:
    explicit CalendarTemplate(const CalendarInput& in);

    // Appends the whole calendar for one recipient. `uid`, `email` and `name` are the
    // caller's; `name` may be empty (no CN).
    void render(std::string& out, std::string_view uid, std::string_view email,
                std::string_view name) const;

    // Bytes that do not depend on the recipient: for buffer sizing.
    std::size_t static_size() const { return static_size_; }
    const std::string& method() const { return method_; }

  private:
    // pieces_[0] UID pieces_[1] ATTENDEE pieces_[2] UID pieces_[3] ATTENDEE ... pieces_[2n]
    std::vector<std::string> pieces_;
    std::string method_;
    bool rsvp_ = true;
    std::size_t static_size_ = 0;
};

}  // namespace cis::imip
