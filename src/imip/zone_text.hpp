#pragma once
// Time zones in outgoing calendars: the VTIMEZONE of an IANA zone, and its UTC offsets.
//
// RFC 5545 wants a VTIMEZONE for every TZID. Outlook maps a VTIMEZONE to a Windows zone
// by its rules and copes best with one STANDARD and one DAYLIGHT observance with yearly
// RRULEs (what Outlook and Google write themselves); ICU's writeSimple() has that shape
// but starts the rules in the event's year (so earlier times of the same calendar are
// undefined), writes "+010000" offsets and "(STD)" names. So the rules near the event
// come from ICU (getSimpleRulesNear) and are written here from 1970 on; every generated
// text is checked by evaluating it with libical against ICU's offsets from the year
// before the event to three years after. Zones whose changes are not yearly rules there
// (Casablanca's Ramadan, a planned change of rules) fail the check and get ICU's exact
// transition list from the year before the event instead.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace cis::imip {

// The VTIMEZONE (folded, CRLF) of IANA zone `iana` valid around `year`; nullptr when ICU
// does not know the zone. Cached per (zone, year): ≈1-3 ms the first time (the libical
// check), a map look-up after that. Thread-safe.
std::shared_ptr<const std::string> vtimezone_for(std::string_view iana, int year);

// Generates without the cache and reports which writer answered ("rules" or "icu").
struct GeneratedZone {
    std::string text;
    std::string writer;
};
std::optional<GeneratedZone> generate_vtimezone(std::string_view iana, int year);

// Seconds east of UTC in IANA zone `iana` at `utc`; nullopt for an unknown zone.
std::optional<std::int32_t> utc_offset(std::string_view iana, std::int64_t utc);

}  // namespace cis::imip
