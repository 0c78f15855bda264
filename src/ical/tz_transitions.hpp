#pragma once
// UTC-offset history of a zone over a time window, in a form both ICU zones and
// libical VTIMEZONEs can produce, so that the two can be compared.
#include <cstdint>
#include <functional>
#include <vector>

namespace cis::ical::tz {

struct Transition {
    std::int64_t at = 0;      // UTC seconds: the first second of the new offset
    std::int32_t offset = 0;  // seconds east of UTC from `at` on
};

struct Transitions {
    std::int32_t initial = 0;         // offset at the window start
    std::vector<Transition> changes;  // offset changes inside (start, end], ascending

    std::int32_t offset_at(std::int64_t t) const;
};

// For how many seconds of [start, end] the two disagree. Near-misses are common in real
// VTIMEZONEs: Windows writes "end of day" as 23:59:59 where tzdata says 24:00 (1 s), and
// Lotus Notes puts Europe's autumn change at 02:00 instead of 03:00 local (1 h).
std::int64_t mismatch(const Transitions& a, const Transitions& b, std::int64_t start,
                      std::int64_t end);

// Samples offset_of(utc) over [start, end] every `step` seconds and pins each change to
// the second by bisection. Changes closer together than `step` may be missed; real
// zones never have those.
Transitions sample_transitions(const std::function<std::int32_t(std::int64_t)>& offset_of,
                               std::int64_t start, std::int64_t end, std::int64_t step = 6 * 3600);

// January 1st, 00:00 UTC of `year`.
std::int64_t year_start(int year);

}  // namespace cis::ical::tz
