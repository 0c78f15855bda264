#pragma once
// How the times of one event are written in its calendar (SPEC §3.2): in the organizer's
// zone with TZID=<IANA id> (the VTIMEZONE comes from zone_text), in the organizer's own
// VTIMEZONE when no IANA zone matched it, UTC when the event had no zone, VALUE=DATE for
// all-day events and floating when the organizer wrote floating time.
#include <cstdint>
#include <optional>
#include <string>

#include "core/event.hpp"
#include "imip/custom_zone.hpp"

namespace cis::imip {

struct TimeStyle {
    enum Kind { Utc, Floating, Date, Iana, Custom } kind = Utc;
    std::string tzid;                  // Iana and Custom
    std::optional<CustomZone> custom;  // Custom
};

// The style of an event's (or occurrence's) start and end.
TimeStyle style_of(const EventFields& f);

// Wall-clock fields of `t` in `style`: the organizer's own local value when present, else
// computed from the instant (ICU offsets for IANA zones). For UTC the UTC fields.
CivilTime wall_clock(const CalTime& t, const TimeStyle& style);

// UTC offset in effect for `t` (0 for UTC, floating and dates).
std::int32_t offset_of(const CalTime& t, const TimeStyle& style);

// "DTSTART;TZID=Europe/Berlin:20240501T100000", "DTEND:20240501T080000Z",
// "DTSTART;VALUE=DATE:20240501" (unfolded, no line break).
std::string time_property(std::string_view name, const CalTime& t, const TimeStyle& style);

// A stored recurrence key ("20240508T080000Z" or "20240508", see ical::recurrence_key)
// written as EXDATE/RDATE/RECURRENCE-ID in the style of the master's start, whose
// wall-clock time supplies the time of day when the key is a bare date of a timed event.
std::string key_property(std::string_view name, const std::string& key, const CalTime& master_start,
                         const TimeStyle& style);

// The instant a recurrence key stands for, read in the master's style.
std::int64_t key_instant(const std::string& key, const CalTime& master_start,
                         const TimeStyle& style);

// The fields of one instance of `event`: the stored occurrence when there is one, else
// the master's with start and end moved to the instance `key` stands for.
EventFields instance_fields(const Event& event, const std::string& key);

}  // namespace cis::imip
