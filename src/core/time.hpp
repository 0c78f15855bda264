#pragma once
// Calendar time values as the rest of CIS sees them: an instant plus the way the
// organizer's client wrote it, so that we can both compare instants and re-emit
// the organizer's own wall-clock time and zone later.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cis {

struct CalTime {
    std::int64_t utc = 0;  // seconds since the epoch; for a date: its midnight in UTC
    std::string local;  // iCalendar basic form: "20240501T100000", "20240501T080000Z", "20240501"
    bool is_date = false;   // VALUE=DATE (all-day)
    bool floating = false;  // local time without any zone

    bool operator==(const CalTime&) const = default;
};

// Civil date-time fields; no time zone knowledge.
struct CivilTime {
    int year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0;
};

std::int64_t days_from_civil(int y, int m, int d);
std::int64_t civil_to_epoch(const CivilTime& t);  // treats the fields as UTC
CivilTime epoch_to_civil(std::int64_t epoch);

// Parses "YYYYMMDD", "YYYYMMDDTHHMMSS" or "YYYYMMDDTHHMMSSZ" (iCalendar basic form).
std::optional<CivilTime> parse_basic(std::string_view text, bool* is_date = nullptr,
                                     bool* is_utc = nullptr);
std::string format_basic_utc(std::int64_t epoch);  // "20240501T080000Z"

// RFC 3339 with offset. The offset is what the wall clock said: local minus UTC.
// Dates print as "YYYY-MM-DD"; floating and UTC times with "Z".
std::string to_rfc3339(const CalTime& t);
std::string rfc3339_utc(std::int64_t epoch);  // "2024-05-01T08:00:00Z"
std::optional<std::int64_t> parse_rfc3339(std::string_view text);

}  // namespace cis
