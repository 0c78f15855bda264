#pragma once
// Reading libical date-time values with their TZID into CalTime, through the
// calendar's own VTIMEZONEs and ical/timezones (never libical's slow per-call
// VTIMEZONE conversion for zones that have an IANA equivalent).
#include <libical/ical.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "ical/timezones.hpp"

namespace cis::ical {

struct ReadTime {
    CalTime time;
    std::string tzid;       // as written
    std::string iana;       // resolved zone ("" for UTC, floating, dates and custom zones)
    std::string vtimezone;  // the VTIMEZONE text, kept for custom zones only
    ZoneInfo zone;
};

class TimeReader {
  public:
    TimeReader(icalcomponent* vcalendar, std::vector<std::string>& warnings);
    // The value `t` of property `prop` (its TZID parameter says the zone).
    std::optional<ReadTime> read(icalproperty* prop, icaltimetype t);
    // Wall-clock time in the same zone as `like`.
    std::optional<CalTime> in_zone(const CivilTime& local, bool is_date, const ReadTime& like);
    // DTEND; else DTSTART + DURATION; else RFC 5545's default (a day for dates).
    CalTime end_of(icalcomponent* vevent, const ReadTime& start, const std::string& uid);

  private:
    std::map<std::string, std::string> vtimezones_;  // TZID → VTIMEZONE text
    std::vector<std::string>& warnings_;
};

std::int64_t utc_of_stamp(icaltimetype t);  // DTSTAMP is UTC by definition
CivilTime civil_of(icaltimetype t);
// The canonical key of a RECURRENCE-ID / EXDATE: a date, or UTC date-time.
std::string recurrence_key(const CalTime& t);

}  // namespace cis::ical
