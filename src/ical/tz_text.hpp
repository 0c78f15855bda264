#pragma once
// Text helpers for matching time-zone names written by people and by Windows:
// "(UTC+01:00) Bruxelles, Copenhague, Madrid, Paris", "(GMT+01.00) Sarajevo/Warsaw/Zagreb".
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cis::ical::tz {

// Case- and accent-insensitive key: "Brasília" and "BRASILIA" both give "brasilia";
// '_' '-' and runs of white space become one space ("Sao_Paulo" -> "sao paulo").
std::string fold(std::string_view utf8);

// The place and zone names inside a TZID, folded, in the order written. The "(UTC+01:00)"
// prefix is dropped; the rest is split at , / ; & ( ) | and backslashes.
std::vector<std::string> phrases(std::string_view tzid);

// The UTC offset a display name states: "(UTC+01:00)", "(GMT-05.00)", "GMT +0100", "(UTC)".
// Seconds east of UTC, or nullopt when the name states none.
std::optional<std::int32_t> stated_offset(std::string_view tzid);

// TZID with surrounding white space and double quotes removed.
std::string_view trim_name(std::string_view tzid);

}  // namespace cis::ical::tz
