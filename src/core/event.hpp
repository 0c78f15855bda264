#pragma once
// The event as CIS stores it, and the VEVENT as an organizer's client sent it.
// Plain values only: no I/O, no library types, so the rules in itip/ stay pure.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/time.hpp"

namespace cis {

enum class EventStatus { Confirmed, Tentative, Cancelled };
const char* to_string(EventStatus s);
std::optional<EventStatus> event_status_from(std::string_view s);

// What the organizer controls about one occurrence or a whole event.
struct EventFields {
    std::string summary, description, location;
    CalTime start, end;
    std::string timezone;   // IANA name; empty for UTC, floating and all-day
    std::string vtimezone;  // the client's VTIMEZONE, kept when no IANA zone matches it
    bool all_day = false;
    EventStatus status = EventStatus::Confirmed;

    bool operator==(const EventFields&) const = default;
};

// Recurrence as the client wrote it (RFC 5545 text values, normalised by the parser).
struct Recurrence {
    std::string rrule;                // e.g. "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"
    std::vector<std::string> rdates;  // iCalendar values, sorted
    std::vector<std::string> exdates;
    bool empty() const { return rrule.empty() && rdates.empty() && exdates.empty(); }
    bool operator==(const Recurrence&) const = default;
};

// The organizer's ordering of versions: RFC 5546 §2.1.5 (SEQUENCE, then DTSTAMP).
struct Version {
    std::int64_t sequence = 0;
    std::int64_t dtstamp = 0;  // epoch seconds; 0 when the client sent none
    auto operator<=>(const Version&) const = default;
};

// One overridden or cancelled instance of a recurring event.
struct Occurrence {
    std::string recurrence_id;  // canonical key: UTC "YYYYMMDDTHHMMSSZ" or a date "YYYYMMDD"
    EventFields fields;
    Version version;
    bool operator==(const Occurrence&) const = default;
};

struct Event {
    std::string id;             // CIS's own opaque id
    std::string organizer;      // normalised email address
    std::string original_uid;   // the organizer's UID
    std::string recurrence_id;  // set only for a lone occurrence stored as its own event
    EventFields fields;
    Recurrence recurrence;
    std::vector<Occurrence> occurrences;   // sorted by recurrence_id
    std::int64_t sequence = 0;             // CIS's outbound SEQUENCE
    Version organizer_version;             // the newest version applied
    std::optional<std::int64_t> last_end;  // end of the last instance; empty = endless
    std::int64_t created_at = 0, updated_at = 0;
};

// One VEVENT of an incoming calendar, already resolved to instants and zones.
struct IncomingEvent {
    std::string uid;
    std::string recurrence_id;  // canonical key, empty for a master
    std::string organizer;      // mailto address (or EMAIL=) normalised; empty when absent
    std::string organizer_raw;  // the ORGANIZER value as sent, for messages
    std::string sent_by;        // SENT-BY address, normalised
    EventFields fields;
    Recurrence recurrence;
    Version version;
    std::optional<std::int64_t> last_end;
};

struct IncomingCalendar {
    std::string method;  // upper case METHOD from the body, empty when absent
    std::string prodid;
    std::vector<IncomingEvent> events;
    std::vector<std::string> other_components;  // e.g. "VTODO", kept for explanations
};

}  // namespace cis
