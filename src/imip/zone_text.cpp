#include "imip/zone_text.hpp"

#include <fmt/format.h>
#include <unicode/basictz.h>
#include <unicode/dtrule.h>
#include <unicode/locid.h>
#include <unicode/tzrule.h>
#include <unicode/vtzone.h>

#include <map>
#include <mutex>
#include <unordered_map>

#include "core/time.hpp"
#include "ical/tz_catalog.hpp"
#include "ical/tz_transitions.hpp"
#include "ical/tz_vtimezone.hpp"
#include "imip/ical_text.hpp"

namespace cis::imip {

namespace {

constexpr int kRulesFrom = 1970;  // where generated observances start
constexpr std::size_t kMaxCached = 4096;

std::string offset_text(std::int32_t seconds) {
    const char sign = seconds < 0 ? '-' : '+';
    const std::int32_t a = seconds < 0 ? -seconds : seconds;
    if (a % 60) return fmt::format("{}{:02}{:02}{:02}", sign, a / 3600, a % 3600 / 60, a % 60);
    return fmt::format("{}{:02}{:02}", sign, a / 3600, a % 3600 / 60);
}

std::string basic_local(std::int64_t wall) {
    const CivilTime c = epoch_to_civil(wall);
    return fmt::format("{:04}{:02}{:02}T{:02}{:02}{:02}", c.year, c.month, c.day, c.hour, c.minute,
                       c.second);
}

int days_in_month(int month) {  // February as 28: rules never say "last day of February"
    static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return kDays[month - 1];
}

// BYMONTH/BYDAY/BYMONTHDAY of an ICU date rule; nullopt for shapes we do not map.
std::optional<std::string> rrule_of(const icu::DateTimeRule& r) {
    static constexpr const char* kDays[] = {"SU", "MO", "TU", "WE", "TH", "FR", "SA"};
    const int month = r.getRuleMonth() + 1;
    const char* day = kDays[(r.getRuleDayOfWeek() + 6) % 7];
    std::string by;
    const int dom = r.getRuleDayOfMonth();
    switch (r.getDateRuleType()) {
        case icu::DateTimeRule::DOM:
            by = fmt::format("BYMONTHDAY={}", dom);
            break;
        case icu::DateTimeRule::DOW:
            by = fmt::format("BYDAY={}{}", r.getRuleWeekInMonth(), day);
            break;
        case icu::DateTimeRule::DOW_GEQ_DOM:  // "Sun>=8": the second Sunday
            if ((dom - 1) % 7 == 0 && dom <= 22)
                by = fmt::format("BYDAY={}{}", (dom - 1) / 7 + 1, day);
            else if (dom + 6 <= days_in_month(month))
                by = fmt::format("BYDAY={};BYMONTHDAY={},{},{},{},{},{},{}", day, dom, dom + 1,
                                 dom + 2, dom + 3, dom + 4, dom + 5, dom + 6);
            else
                return std::nullopt;
            break;
        case icu::DateTimeRule::DOW_LEQ_DOM:  // "lastSun" is "Sun<=31"
            if (dom == days_in_month(month))
                by = fmt::format("BYDAY=-1{}", day);
            else if (dom >= 7)
                by = fmt::format("BYDAY={};BYMONTHDAY={},{},{},{},{},{},{}", day, dom - 6, dom - 5,
                                 dom - 4, dom - 3, dom - 2, dom - 1, dom);
            else
                return std::nullopt;
            break;
    }
    return fmt::format("FREQ=YEARLY;BYMONTH={};{}", month, by);
}

// A short name only when it is a real abbreviation ("CET", "EDT"), not "GMT+2".
std::string abbreviation(const icu::TimeZone& zone, bool daylight) {
    for (const char* locale : {"en", "en_GB"}) {
        icu::UnicodeString name;
        zone.getDisplayName(daylight, icu::TimeZone::SHORT, icu::Locale(locale), name);
        std::string s;
        name.toUTF8String(s);
        bool letters = s.size() >= 2 && s.size() <= 5;
        for (char c : s)
            if (c < 'A' || c > 'Z') letters = false;
        if (letters) return s;
    }
    return {};
}

void observance(std::string& out, const char* kind, std::int32_t from, std::int32_t to,
                const std::string& name, const std::string& dtstart, const std::string& rrule) {
    out += fmt::format("BEGIN:{}\r\nTZOFFSETFROM:{}\r\nTZOFFSETTO:{}\r\n", kind, offset_text(from),
                       offset_text(to));
    if (!name.empty()) out += "TZNAME:" + name + "\r\n";
    out += "DTSTART:" + dtstart + "\r\n";
    if (!rrule.empty()) append_folded(out, "RRULE:" + rrule);
    out += fmt::format("END:{}\r\n", kind);
}

std::optional<std::string> rules_writer(const std::string& id, const icu::BasicTimeZone& zone,
                                        int year) {
    icu::InitialTimeZoneRule* initial = nullptr;
    icu::AnnualTimeZoneRule *std_rule = nullptr, *dst_rule = nullptr;
    UErrorCode status = U_ZERO_ERROR;
    const double mid_year = (ical::tz::year_start(year) + 182 * 86400) * 1000.0;
    zone.getSimpleRulesNear(mid_year, initial, std_rule, dst_rule, status);
    std::unique_ptr<icu::InitialTimeZoneRule> own_initial(initial);
    std::unique_ptr<icu::AnnualTimeZoneRule> own_std(std_rule), own_dst(dst_rule);
    if (U_FAILURE(status) || !initial) return std::nullopt;

    std::string out = "BEGIN:VTIMEZONE\r\n";
    append_folded(out, "TZID:" + id);
    if (!std_rule || !dst_rule) {
        const std::int32_t offset = (initial->getRawOffset() + initial->getDSTSavings()) / 1000;
        observance(out, "STANDARD", offset, offset, abbreviation(zone, false),
                   fmt::format("{}0101T000000", kRulesFrom), "");
    } else {
        const std::int32_t std_total =
            (std_rule->getRawOffset() + std_rule->getDSTSavings()) / 1000;
        const std::int32_t dst_total =
            (dst_rule->getRawOffset() + dst_rule->getDSTSavings()) / 1000;
        for (const auto* rule : {dst_rule, std_rule}) {
            const auto* other = rule == dst_rule ? std_rule : dst_rule;
            auto rrule = rrule_of(*rule->getRule());
            // ICU's rule starts in the event's year; the same rule from 1970 on gives
            // the observance's first onset.
            const icu::AnnualTimeZoneRule since(icu::UnicodeString(), rule->getRawOffset(),
                                                rule->getDSTSavings(), *rule->getRule(), kRulesFrom,
                                                icu::AnnualTimeZoneRule::MAX_YEAR);
            UDate first = 0;
            if (!rrule || !since.getStartInYear(kRulesFrom, other->getRawOffset(),
                                                other->getDSTSavings(), first))
                return std::nullopt;
            const bool daylight = rule == dst_rule;
            const std::int32_t from = daylight ? std_total : dst_total;
            const std::int32_t to = daylight ? dst_total : std_total;
            const auto at = static_cast<std::int64_t>(first / 1000);
            observance(out, daylight ? "DAYLIGHT" : "STANDARD", from, to,
                       abbreviation(zone, daylight), basic_local(at + from), *rrule);
        }
    }
    out += "END:VTIMEZONE\r\n";
    return out;
}

// ICU's own writer: every transition from the year before the event on, RDATE lists
// where the changes are not yearly rules.
std::optional<std::string> icu_writer(const std::string& id, int year) {
    std::unique_ptr<icu::VTimeZone> vz(
        icu::VTimeZone::createVTimeZoneByID(icu::UnicodeString::fromUTF8(id)));
    if (!vz) return std::nullopt;
    icu::UnicodeString text;
    UErrorCode status = U_ZERO_ERROR;
    vz->write(ical::tz::year_start(year - 1) * 1000.0, text, status);
    if (U_FAILURE(status)) return std::nullopt;
    std::string raw;
    text.toUTF8String(raw);
    std::string out;
    std::size_t pos = 0;
    while (pos < raw.size()) {
        std::size_t end = raw.find('\n', pos);
        if (end == std::string::npos) end = raw.size();
        std::string line = raw.substr(pos, end - pos);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        pos = end + 1;
        // ICU's names ("Africa/Casablanca(STD)") help nobody; TZNAME is optional.
        if (line.empty() || line.starts_with("X-TZINFO") || line.starts_with("TZNAME")) continue;
        // "+010000" → "+0100": the short form is what every client writes.
        if (line.starts_with("TZOFFSET") && line.size() > 7 && line.ends_with("00") &&
            line.size() - line.find(':') == 8)
            line.resize(line.size() - 2);
        append_folded(out, line);
    }
    return out;
}

// True when libical, reading `text`, gives ICU's offsets from the year before `year` to
// three years after: the check that makes the rule mapping above safe to trust.
bool agrees(const std::string& text, const icu::BasicTimeZone& zone, int year) {
    const auto parsed = ical::tz::VTimezone::parse(text, false);
    if (!parsed) return false;
    const std::int64_t start = ical::tz::year_start(year - 1), end = ical::tz::year_start(year + 4);
    const auto icu_offset = [&](std::int64_t t) {
        std::int32_t raw = 0, dst = 0;
        UErrorCode status = U_ZERO_ERROR;
        zone.getOffset(t * 1000.0, false, raw, dst, status);
        return (raw + dst) / 1000;
    };
    const auto want = ical::tz::sample_transitions(icu_offset, start, end);
    return ical::tz::mismatch(parsed->transitions(start, end), want, start, end) == 0;
}

}  // namespace

std::optional<GeneratedZone> generate_vtimezone(std::string_view iana, int year) {
    const std::string id(iana);
    const auto zone = ical::tz::create_zone(id);
    if (!zone) return std::nullopt;
    if (auto text = rules_writer(id, *zone, year); text && agrees(*text, *zone, year))
        return GeneratedZone{std::move(*text), "rules"};
    if (auto text = icu_writer(id, year)) return GeneratedZone{std::move(*text), "icu"};
    return std::nullopt;
}

std::shared_ptr<const std::string> vtimezone_for(std::string_view iana, int year) {
    static std::mutex mu;
    static std::map<std::pair<std::string, int>, std::shared_ptr<const std::string>, std::less<>>
        cache;
    std::pair<std::string, int> key(std::string(iana), year);
    {
        std::lock_guard lock(mu);
        if (auto it = cache.find(key); it != cache.end()) return it->second;
    }
    auto made = generate_vtimezone(iana, year);  // outside the lock: it takes milliseconds
    std::shared_ptr<const std::string> text =
        made ? std::make_shared<const std::string>(std::move(made->text)) : nullptr;
    std::lock_guard lock(mu);
    if (cache.size() >= kMaxCached) cache.clear();
    cache.emplace(std::move(key), text);
    return text;
}

std::optional<std::int32_t> utc_offset(std::string_view iana, std::int64_t utc) {
    // ICU zone objects are not safe to share between threads: one set per thread.
    thread_local std::unordered_map<std::string, std::unique_ptr<icu::BasicTimeZone>> zones;
    auto it = zones.find(std::string(iana));
    if (it == zones.end()) {
        if (zones.size() >= 256) zones.clear();
        it = zones.emplace(std::string(iana), ical::tz::create_zone(iana)).first;
    }
    if (!it->second) return std::nullopt;
    std::int32_t raw = 0, dst = 0;
    UErrorCode status = U_ZERO_ERROR;
    it->second->getOffset(utc * 1000.0, false, raw, dst, status);
    if (U_FAILURE(status)) return std::nullopt;
    return (raw + dst) / 1000;
}

}  // namespace cis::imip
