#pragma once
// A VTIMEZONE from an incoming message, evaluated by libical. The text is untrusted:
// libical expands every rule from its DTSTART up to a few years past today, once per
// zone object (Exchange starts its rules in 1601: ≈7 ms), and a rule such as
// FREQ=HOURLY never finishes. parse() therefore refuses definitions that would be costly
// and, when allowed, moves old yearly rules' start forward to keep expansion cheap.
#include "ical/tz_transitions.hpp"

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

struct _icaltimezone;  // libical's icaltimezone, kept out of this header

namespace cis::ical::tz {

// Yearly rules that start before this year start in it instead when parse(clamp=true):
// the offsets from the following year on are unchanged. A leap year, so that a Feb 29
// DTSTART stays valid.
inline constexpr int kClampYear = 1968;

class VTimezone {
  public:
    // nullptr when `text` (a VTIMEZONE, or a VCALENDAR holding one) is not usable:
    // unparsable, no TZID, no STANDARD/DAYLIGHT with DTSTART and TZOFFSETTO, a rule
    // that is not FREQ=YEARLY, impossible or too many occurrences.
    static std::unique_ptr<VTimezone> parse(std::string_view text, bool clamp);
    ~VTimezone();
    VTimezone(const VTimezone&) = delete;
    VTimezone& operator=(const VTimezone&) = delete;

    std::int32_t offset_at(std::int64_t utc) const;  // seconds east of UTC
    // `wall`: the local date-time fields read as if they were UTC. Gaps use the offset
    // before the gap and overlaps the first occurrence (RFC 5545 §3.3.5).
    std::int64_t to_utc(std::int64_t wall) const;
    Transitions transitions(std::int64_t start, std::int64_t end) const;

    // Where the definition starts, in UTC (its earliest DTSTART): RFC 5545 lets a
    // VTIMEZONE cover only the period its events need, and Apple's start in the event year.
    std::int64_t defined_from() const { return defined_from_; }
    const std::string& tzid() const { return tzid_; }
    // X-LIC-LOCATION or LOCATION: Mozilla and libical put the IANA id there.
    const std::string& location() const { return location_; }

  private:
    VTimezone(_icaltimezone* zone, std::int64_t defined_from);
    _icaltimezone* zone_;
    std::int64_t defined_from_;
    std::string tzid_, location_;
    mutable std::mutex mu_;  // libical expands a zone's changes lazily, in place
};

}  // namespace cis::ical::tz
