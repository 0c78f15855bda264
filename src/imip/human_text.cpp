#include "imip/human_text.hpp"

#include <fmt/format.h>

#include "imip/calendar_time.hpp"
#include "imip/ical_text.hpp"
#include "imip/mime_text.hpp"

namespace cis::imip {

namespace {

constexpr const char* kDays[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                 "Thursday", "Friday", "Saturday"};
constexpr const char* kMonths[] = {"January",   "February", "March",    "April",
                                   "May",       "June",     "July",     "August",
                                   "September", "October",  "November", "December"};

std::string day_text(const CivilTime& c, bool long_form) {
    const auto weekday =
        static_cast<std::size_t>(((days_from_civil(c.year, c.month, c.day) + 4) % 7 + 7) % 7);
    if (long_form)
        return fmt::format("{}, {} {} {}", kDays[weekday], c.day, kMonths[c.month - 1], c.year);
    return fmt::format("{:.3} {} {:.3} {}", kDays[weekday], c.day, kMonths[c.month - 1], c.year);
}

std::string clock_text(const CivilTime& c) {
    return fmt::format("{:02}:{:02}", c.hour, c.minute);
}

bool same_day(const CivilTime& a, const CivilTime& b) {
    return a.year == b.year && a.month == b.month && a.day == b.day;
}

std::string offset_text(std::int32_t s) {
    const std::int32_t a = s < 0 ? -s : s;
    return fmt::format("UTC{}{:02}:{:02}", s < 0 ? '-' : '+', a / 3600, a % 3600 / 60);
}

std::string zone_label(const EventFields& f, const TimeStyle& style, bool long_form) {
    switch (style.kind) {
        case TimeStyle::Iana:
        case TimeStyle::Custom:
            if (!long_form) return fmt::format(" ({})", style.tzid);
            return fmt::format(" ({}, {})", style.tzid, offset_text(offset_of(f.start, style)));
        case TimeStyle::Utc:
            return " (UTC)";
        case TimeStyle::Floating:
            return long_form ? " (local time)" : "";
        case TimeStyle::Date:
            break;
    }
    return "";
}

struct Row {
    const char* label;
    std::string value;
};

}  // namespace

std::string when_text(const EventFields& f, bool long_form) {
    const TimeStyle style = style_of(f);
    const CivilTime start = wall_clock(f.start, style);
    const bool has_end = f.end.utc > f.start.utc;
    if (style.kind == TimeStyle::Date) {
        // DTEND of an all-day event is exclusive: the last day is the one before.
        const CivilTime last =
            has_end ? epoch_to_civil(civil_to_epoch(wall_clock(f.end, style)) - 86400) : start;
        if (same_day(start, last)) return day_text(start, long_form) + " (all day)";
        return fmt::format("{} - {} (all day)", day_text(start, long_form),
                           day_text(last, long_form));
    }
    std::string out = day_text(start, long_form) + (long_form ? ", " : " ") + clock_text(start);
    if (has_end) {
        const CivilTime end = wall_clock(f.end, style);
        out += " - ";
        if (!same_day(start, end)) out += day_text(end, long_form) + (long_form ? ", " : " ");
        out += clock_text(end);
    }
    return out + zone_label(f, style, long_form);
}

std::string repeat_text(std::string_view rrule) {
    struct Unit {
        std::string_view freq;
        const char* once;
        const char* unit;
    };
    static constexpr Unit kUnits[] = {{"DAILY", "daily", "days"},
                                      {"WEEKLY", "weekly", "weeks"},
                                      {"MONTHLY", "monthly", "months"},
                                      {"YEARLY", "yearly", "years"}};
    int interval = 1;
    std::string_view freq;
    while (!rrule.empty()) {
        const auto semi = rrule.find(';');
        const std::string_view part = rrule.substr(0, semi);
        if (part.starts_with("FREQ=")) freq = part.substr(5);
        if (part.starts_with("INTERVAL=")) {
            interval = 0;
            for (char c : part.substr(9))
                if (c >= '0' && c <= '9' && interval < 100000) interval = interval * 10 + (c - '0');
        }
        rrule = semi == std::string_view::npos ? std::string_view() : rrule.substr(semi + 1);
    }
    for (const auto& u : kUnits)
        if (freq == u.freq)
            return interval > 1 ? fmt::format("every {} {}", interval, u.unit) : u.once;
    return {};
}

HumanText describe(const Event& ev, Kind kind, std::string_view organizer_name,
                   const std::vector<std::string>& occurrences) {
    // Instances cancelled: the text names the first, and says how many there are.
    const bool one_instance = kind == Kind::Cancellation && !occurrences.empty();
    const EventFields fields = one_instance ? instance_fields(ev, occurrences.front()) : ev.fields;
    const std::string title = fields.summary.empty() ? "(no title)" : fields.summary;
    const std::string who = organizer_name.empty() ? std::string() : std::string(organizer_name);

    HumanText t;
    const char* prefix = kind == Kind::Invitation ? "Invitation"
                         : kind == Kind::Update   ? "Updated invitation"
                                                  : "Cancelled";
    t.subject = fmt::format("{}: {} @ {}", prefix, title, when_text(fields, false));

    std::string lead;
    switch (kind) {
        case Kind::Invitation:
            lead = who.empty() ? "You are invited to this event."
                               : who + " invites you to this event.";
            break;
        case Kind::Update:
            lead = who.empty() ? "This event has been updated." : who + " has updated this event.";
            break;
        case Kind::Cancellation:
            lead = !one_instance ? "This event has been cancelled."
                   : occurrences.size() == 1
                       ? "One occurrence of this event has been cancelled."
                       : fmt::format(
                             "{} occurrences of this event have been cancelled; the "
                             "first is shown below.",
                             occurrences.size());
            if (!who.empty()) lead += fmt::format(" (Organizer: {})", who);
            break;
    }
    std::vector<Row> rows{{"When", when_text(fields, true)}};
    if (!one_instance && !ev.recurrence.rrule.empty())
        if (auto r = repeat_text(ev.recurrence.rrule); !r.empty()) rows.push_back({"Repeats", r});
    if (!fields.location.empty()) rows.push_back({"Where", fields.location});
    if (!who.empty()) rows.push_back({"Organizer", who});
    const char* closing = kind == Kind::Cancellation
                              ? "Your calendar can remove the event with the button it shows."
                              : "Reply with the Yes, Maybe or No buttons of your calendar.";

    t.plain = lead + "\n\n" + title + "\n";
    for (const auto& r : rows) t.plain += fmt::format("{}: {}\n", r.label, r.value);
    if (!fields.description.empty()) t.plain += "\n" + fields.description + "\n";
    t.plain += fmt::format("\n{}\n", closing);

    t.html = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + html_escape(title) +
             "</title></head>\n<body style=\"font-family:sans-serif\">\n<p>" + html_escape(lead) +
             "</p>\n<h2>" + html_escape(title) + "</h2>\n<table>\n";
    for (const auto& r : rows)
        t.html += fmt::format("<tr><th align=\"left\" valign=\"top\">{}</th><td>{}</td></tr>\n",
                              r.label, html_escape(r.value));
    t.html += "</table>\n";
    if (!fields.description.empty()) {
        std::string escaped = html_escape(fields.description), with_breaks;
        for (std::size_t i = 0; i < escaped.size(); ++i) {
            const char c = escaped[i];
            if (c == '\r' && i + 1 < escaped.size() && escaped[i + 1] == '\n') continue;
            if (c == '\r' || c == '\n')
                with_breaks += "<br>\n";
            else
                with_breaks += c;
        }
        t.html += "<p>" + with_breaks + "</p>\n";
    }
    t.html += "<p>" + html_escape(closing) + "</p>\n</body></html>\n";
    t.plain = valid_utf8(t.plain);  // the html is valid already: html_escape repairs
    return t;
}

}  // namespace cis::imip
