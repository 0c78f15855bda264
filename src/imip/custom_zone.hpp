#pragma once
// A VTIMEZONE that matched no IANA zone (EventFields::vtimezone with an empty timezone):
// CIS re-emits the organizer's own definition, normalised to CRLF and refolded, and
// needs its TZID to point DTSTART at it.
#include <optional>
#include <string>
#include <string_view>

namespace cis::imip {

struct CustomZone {
    std::string tzid;  // the TZID property's value, TEXT-unescaped
    std::string text;  // "BEGIN:VTIMEZONE...END:VTIMEZONE\r\n", folded at 75 octets
};

// The first VTIMEZONE in `stored` (a VTIMEZONE or a VCALENDAR holding one, LF or CRLF,
// folded or not); nullopt when there is none or it has no TZID.
std::optional<CustomZone> read_custom_zone(std::string_view stored);

}  // namespace cis::imip
