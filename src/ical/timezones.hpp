#pragma once
// Time-zone resolution for incoming iCalendar data.
//
// A DTSTART;TZID=<name> may name an IANA zone ("Europe/Berlin"), a prefixed one
// ("/mozilla.org/20050126_1/Europe/Berlin"), a Windows zone ("W. Europe Standard Time"),
// a Windows display name, possibly localized or legacy ("(UTC+01:00) Bruxelles,
// Copenhague, Madrid, Paris", "(GMT+01.00) Sarajevo/Warsaw/Zagreb"), "Customized Time
// Zone", or nothing defined at all ("BRT"). Converting through the message's VTIMEZONE
// with libical costs milliseconds, so each (TZID, VTIMEZONE, year) is resolved once to an
// IANA zone and cached, and times are then converted with ICU in well under a microsecond.
//
// Resolution order (ZoneInfo::how says which step answered):
//  "iana"           the TZID is an IANA id or link ICU knows (any letter case);
//  "prefixed-iana"  the longest tail after a '/' of a prefixed TZID is one.
//                   Both are taken as written even when a VTIMEZONE is given, as Google,
//                   Apple and Mozilla do (real VTIMEZONEs are truncated or broken).
//  "x-lic-location" the TZID is unknown but the VTIMEZONE's X-LIC-LOCATION/LOCATION is.
//  "windows"        a Windows id, or one missing " Standard Time" ("FLE"), mapped by
//                   CLDR to the id's "001" zone; kept only if the VTIMEZONE, when given,
//                   agrees with it in year_hint (see "rules" for "agrees").
//  "rules"          the zones whose UTC offsets in year_hint differ from the VTIMEZONE's
//                   for at most 3 hours in all (Windows writes 23:59:59 for 24:00, Lotus
//                   puts the autumn change an hour early), compared only from the
//                   VTIMEZONE's first DTSTART on (RFC 5545 lets it cover just the events).
//                   Best first: exact match (within a minute); named in the TZID (cities in
//                   several languages, metazone names such as "Brasilia" or "Eastern
//                   Time"); also matching year_hint-1 and +1; reference zone of its CLDR
//                   metazone (New York rather than Grand Turk); "001" zone of a Windows id;
//                   alphabetical.
//  "custom"         a usable VTIMEZONE that no zone matches: iana is "" and to_utc()
//                   evaluates the VTIMEZONE itself with libical.
//  Without a usable VTIMEZONE:
//  "display-name"   place names in the TZID whose zone has the standard offset the name
//                   states: "(UTC+01:00) Amsterdam, Berlin, ..." is Europe/Berlin;
//  "abbreviation"   a CLDR abbreviation all indexed locales agree on ("PST", "BRT");
//  "unknown"        nothing found: iana is "", custom is false (treat the time as
//                   floating and warn).
// `iana` is the tzdata spelling ("Asia/Kolkata", "Europe/Kyiv", "America/Los_Angeles"
// for "US/Pacific"): ICU's canonical id with CLDR's retired spellings replaced.
#include "core/time.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace cis::ical {

struct ZoneInfo {
    std::string iana;     // resolved IANA id; "" when none
    std::string how;      // the step that answered (see above), for logs and tests
    bool custom = false;  // no IANA zone matches: to_utc() uses the VTIMEZONE via libical

    bool operator==(const ZoneInfo&) const = default;
};

// Thread-safe; results are cached per (TZID, VTIMEZONE text, year). Untrusted input never
// crashes it, and VTIMEZONEs whose expansion would be costly are treated as unusable.
class ZoneResolver {
  public:
    ZoneResolver();
    ~ZoneResolver();
    ZoneResolver(const ZoneResolver&) = delete;
    ZoneResolver& operator=(const ZoneResolver&) = delete;

    // Cost: ≈1 µs for a name alone, ≈1.3-1.6 ms when a VTIMEZONE must be evaluated
    // (libical expansion plus comparison with ICU's zones), ≈0.1 µs when cached. The
    // first calls in a process also build ICU's catalog and name indexes (≈75 ms in all,
    // see warm_up()).
    // tzid: the TZID parameter as written (surrounding quotes are ignored). vtimezone:
    // the calendar's VTIMEZONE text for it, "BEGIN:VTIMEZONE...END:VTIMEZONE", or empty
    // (a VCALENDAR also works, but only its first VTIMEZONE is read). year_hint: the year of
    // the time to convert; it selects the year whose rules are compared.
    ZoneInfo resolve(std::string_view tzid, std::string_view vtimezone, int year_hint);

    // Wall-clock time in `zone` → UTC seconds. A time in a gap uses the offset before the
    // gap (02:30 on a spring-forward night becomes 03:30 daylight time); a repeated time
    // is its first occurrence (RFC 5545 §3.3.5). For a custom zone pass the same
    // vtimezone text given to resolve(). nullopt for an unknown zone or invalid fields.
    std::optional<std::int64_t> to_utc(const CivilTime& local, const ZoneInfo& zone,
                                       std::string_view vtimezone = {});

    // Optional: builds ICU's zone catalog and name indexes now (≈75 ms once per process)
    // rather than during the first message that needs them.
    static void warm_up();

    struct Stats {
        std::uint64_t hits = 0, misses = 0;
    };
    Stats stats() const;

    static ZoneResolver& shared();  // the process-wide instance

  private:
    struct State;
    std::unique_ptr<State> state_;
};

}  // namespace cis::ical
