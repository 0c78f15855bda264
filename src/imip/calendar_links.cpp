#include "imip/calendar_links.hpp"

#include <fmt/format.h>

#include "core/text.hpp"
#include "imip/ical_text.hpp"

namespace cis::imip {

namespace {

// Long descriptions make links some browsers and mail clients cut; keep the start.
constexpr std::size_t kMaxDescription = 1000;

std::string shortened(std::string_view text) {
    if (text.size() <= kMaxDescription) return valid_utf8(text);
    std::size_t end = kMaxDescription;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
    return valid_utf8(text.substr(0, end)) + "…";
}

// The end, or the start plus a day (all-day) or an hour when the organizer gave none.
std::int64_t end_of(const EventFields& f) {
    if (f.end.utc > f.start.utc) return f.end.utc;
    return f.start.utc + (f.all_day ? 86400 : 3600);
}

std::string basic_date(std::int64_t epoch) {
    const CivilTime c = epoch_to_civil(epoch);
    return fmt::format("{:04}{:02}{:02}", c.year, c.month, c.day);
}

std::string iso_date(std::int64_t epoch) {
    const CivilTime c = epoch_to_civil(epoch);
    return fmt::format("{:04}-{:02}-{:02}", c.year, c.month, c.day);
}

// A UTC instant ("…Z"); a floating time (no zone: the same wall clock everywhere, kept
// by CIS as if it were UTC) without the Z, which both services read as the visitor's time.
std::string instant(std::int64_t utc, bool floating, std::string (*format)(std::int64_t)) {
    std::string text = format(utc);
    if (floating && text.ends_with('Z')) text.pop_back();
    return text;
}

}  // namespace

std::string url_encode(std::string_view text) {
    return percent_encode(text, [](unsigned char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
               c == '-' || c == '.' || c == '_' || c == '~';
    });
}

std::string google_calendar_url(const Event& event) {
    const EventFields& f = event.fields;
    const std::string dates = f.all_day
                                  ? basic_date(f.start.utc) + "/" + basic_date(end_of(f))
                                  : instant(f.start.utc, f.start.floating, format_basic_utc) + "/" +
                                        instant(end_of(f), f.start.floating, format_basic_utc);
    std::string url = "https://calendar.google.com/calendar/render?action=TEMPLATE&text=" +
                      url_encode(valid_utf8(f.summary)) + "&dates=" + url_encode(dates);
    if (!f.description.empty()) url += "&details=" + url_encode(shortened(f.description));
    if (!f.location.empty()) url += "&location=" + url_encode(valid_utf8(f.location));
    if (!f.timezone.empty()) url += "&ctz=" + url_encode(f.timezone);
    return url;
}

std::string outlook_calendar_url(const Event& event) {
    const EventFields& f = event.fields;
    std::string url =
        "https://outlook.live.com/calendar/0/action/compose?rru=addevent&path=%2Fcalendar%2F"
        "action%2Fcompose&subject=" +
        url_encode(valid_utf8(f.summary));
    if (f.all_day)
        url += "&allday=true&startdt=" + iso_date(f.start.utc) + "&enddt=" + iso_date(end_of(f));
    else
        url += "&allday=false&startdt=" +
               url_encode(instant(f.start.utc, f.start.floating, rfc3339_utc)) +
               "&enddt=" + url_encode(instant(end_of(f), f.start.floating, rfc3339_utc));
    if (!f.description.empty()) url += "&body=" + url_encode(shortened(f.description));
    if (!f.location.empty()) url += "&location=" + url_encode(valid_utf8(f.location));
    return url;
}

}  // namespace cis::imip
