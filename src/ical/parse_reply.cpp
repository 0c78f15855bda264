#include "ical/parse_reply.hpp"

#include <fmt/format.h>
#include <libical/ical.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <map>

#include "core/address.hpp"
#include "ical/content_line.hpp"
#include "ical/ical_time.hpp"
#include "ical/ical_values.hpp"

namespace cis::ical {

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string upper(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

std::string trimmed(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return std::string(s);
}

// What the text says about one ATTENDEE line, for what libical does not keep.
struct RawAttendee {
    std::string partstat;  // as written
    std::vector<std::string> delegated_to, delegated_from;
    std::string proposed_new_time;
};
// (ordinal of the VEVENT in the text, lower-cased calendar address) → its parameters.
using RawAttendees = std::map<std::pair<std::size_t, std::string>, RawAttendee>;

// Walks the text's components as libical does: VEVENTs directly inside a VCALENDAR are
// numbered in order, and only their own ATTENDEE lines count (not a VALARM's).
RawAttendees scan_attendees(std::string_view text) {
    RawAttendees out;
    std::vector<std::string> stack;
    std::size_t vevents = 0;
    for (const std::string& line : unfold_lines(text)) {
        // Only three names matter; skip the rest without parsing them.
        const std::size_t n = std::min<std::size_t>(line.size(), 9);
        const std::string head = upper(std::string_view(line).substr(0, n));
        if (head.starts_with("BEGIN:")) {
            const std::string kind = upper(trimmed(std::string_view(line).substr(6)));
            if (kind == "VEVENT" && !stack.empty() && stack.back() == "VCALENDAR") ++vevents;
            if (stack.size() < 64) stack.push_back(kind);
        } else if (head.starts_with("END:")) {
            if (!stack.empty()) stack.pop_back();
        } else if (head.starts_with("ATTENDEE") && line.size() > 8 &&
                   (line[8] == ';' || line[8] == ':') && vevents > 0 && !stack.empty() &&
                   stack.back() == "VEVENT") {
            const ContentLine cl = parse_content_line(line);
            RawAttendee a;
            if (const std::string* v = cl.first_value_of("PARTSTAT")) a.partstat = trimmed(*v);
            a.delegated_to = cl.values_of("DELEGATED-TO");
            a.delegated_from = cl.values_of("DELEGATED-FROM");
            if (const std::string* v = cl.first_value_of("TO-ALL-PROPOSED-NEW-TIME"))
                a.proposed_new_time = *v;
            out.emplace(std::make_pair(vevents - 1, lower(trimmed(cl.value))), std::move(a));
        }
    }
    return out;
}

std::vector<std::string> addresses(const std::vector<std::string>& values) {
    std::vector<std::string> out;
    for (const auto& v : values)
        if (std::string a = normalize_address(v); !a.empty()) out.push_back(std::move(a));
    return out;
}

std::string cn_of(icalproperty* p) {
    icalparameter* cn = icalproperty_get_first_parameter(p, ICAL_CN_PARAMETER);
    const char* s = cn ? icalparameter_get_cn(cn) : nullptr;
    return s ? trimmed(s) : std::string();
}

std::string sent_by_of(icalproperty* p) {
    icalparameter* sb = icalproperty_get_first_parameter(p, ICAL_SENTBY_PARAMETER);
    const char* s = sb ? icalparameter_get_sentby(sb) : nullptr;
    return s ? normalize_address(s) : std::string();
}

ReplyAttendee read_attendee(icalproperty* p, const RawAttendees& raw, std::size_t ordinal) {
    ReplyAttendee a;
    const char* v = icalproperty_get_attendee(p);
    a.raw = v ? trimmed(v) : std::string();
    a.address = normalize_address(a.raw);
    a.name = cn_of(p);
    a.email = normalize_address(parameter_named(p, "EMAIL"));
    a.sent_by = sent_by_of(p);
    a.partstat = trimmed(parameter_named(p, "PARTSTAT"));
    a.delegated_to = addresses({parameter_named(p, "DELEGATED-TO")});
    a.delegated_from = addresses({parameter_named(p, "DELEGATED-FROM")});
    if (auto it = raw.find({ordinal, lower(a.raw)}); it != raw.end()) {
        // The text as written wins: every delegate, the PARTSTAT's own spelling.
        if (!it->second.partstat.empty()) a.partstat = it->second.partstat;
        if (!it->second.delegated_to.empty()) a.delegated_to = addresses(it->second.delegated_to);
        if (!it->second.delegated_from.empty())
            a.delegated_from = addresses(it->second.delegated_from);
        a.proposed_new_time = it->second.proposed_new_time;
    }
    return a;
}

void read_organizer(icalcomponent* c, ReplyEvent& ev) {
    icalproperty* p = icalcomponent_get_first_property(c, ICAL_ORGANIZER_PROPERTY);
    if (!p) return;
    ev.has_organizer = true;
    const char* v = icalproperty_get_organizer(p);
    ev.organizer_raw = v ? trimmed(v) : std::string();
    ev.organizer = normalize_address(ev.organizer_raw);
    if (std::string email = normalize_address(parameter_named(p, "EMAIL")); !email.empty())
        ev.organizer = email;  // iCloud: EMAIL= is the person, the mailto a relay
    ev.organizer_name = cn_of(p);
}

// X- properties by name; libical hands their values unescaped.
std::string x_property(icalcomponent* c, std::string_view name) {
    for (icalproperty* p = icalcomponent_get_first_property(c, ICAL_X_PROPERTY); p;
         p = icalcomponent_get_next_property(c, ICAL_X_PROPERTY)) {
        const char* n = icalproperty_get_x_name(p);
        if (!n || upper(n) != name) continue;
        const char* v = icalproperty_get_x(p);
        return v ? std::string(v) : std::string();
    }
    return {};
}

std::string read_comment(icalcomponent* c) {
    std::string out;
    for (icalproperty* p = icalcomponent_get_first_property(c, ICAL_COMMENT_PROPERTY); p;
         p = icalcomponent_get_next_property(c, ICAL_COMMENT_PROPERTY)) {
        const char* s = icalproperty_get_comment(p);
        std::string text = s ? trimmed(s) : std::string();
        if (text.empty()) continue;
        undo_double_escaping(text);
        if (!out.empty()) out += '\n';
        out += text;
    }
    // Apple writes the attendee's note as X-CALENDARSERVER-PRIVATE-COMMENT.
    if (out.empty()) out = trimmed(x_property(c, "X-CALENDARSERVER-PRIVATE-COMMENT"));
    return out;
}

std::int64_t utc_stamp_of(std::string_view text) {
    bool is_date = false, is_utc = false;
    const auto civil = parse_basic(trimmed(text), &is_date, &is_utc);
    return civil && is_utc && !is_date ? civil_to_epoch(*civil) : 0;
}

// A basic-form local value ("20201225T083000Z", "20201226T180000", "20201226") moved by
// `seconds` of wall-clock time, in the same form.
std::string shifted_local(const std::string& local, std::int64_t seconds) {
    bool is_date = false, is_utc = false;
    const auto civil = parse_basic(local, &is_date, &is_utc);
    if (!civil) return local;
    const CivilTime c = epoch_to_civil(civil_to_epoch(*civil) + seconds);
    if (is_date) return fmt::format("{:04}{:02}{:02}", c.year, c.month, c.day);
    return fmt::format("{:04}{:02}{:02}T{:02}{:02}{:02}{}", c.year, c.month, c.day, c.hour,
                       c.minute, c.second, is_utc ? "Z" : "");
}

// iOS: TO-ALL-PROPOSED-NEW-TIME="DTSTART:20201225T083000Z;STATUS:;" — a proposed start;
// a local time is read in the zone of the event's own DTSTART.
std::optional<Proposal> apple_proposal(const ReplyAttendee& a, const std::optional<ReadTime>& start,
                                       const std::optional<CalTime>& end, TimeReader& times) {
    std::string_view rest = a.proposed_new_time;
    while (!rest.empty()) {
        const auto semi = rest.find(';');
        const std::string_view item = rest.substr(0, semi);
        rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
        const auto colon = item.find(':');
        if (colon == std::string_view::npos || upper(trimmed(item.substr(0, colon))) != "DTSTART")
            continue;
        const std::string value = trimmed(item.substr(colon + 1));
        bool is_date = false, is_utc = false;
        const auto civil = parse_basic(value, &is_date, &is_utc);
        if (!civil) return std::nullopt;
        Proposal p;
        p.source = "TO-ALL-PROPOSED-NEW-TIME";
        p.proposed_by = a.address;
        if (is_utc || is_date || !start) {
            p.start = CalTime{civil_to_epoch(*civil), value, is_date, !is_utc && !is_date};
        } else {
            auto t = times.in_zone(*civil, false, *start);
            if (!t) return std::nullopt;
            p.start = *t;
            p.timezone = start->iana;
        }
        p.end = p.start;
        if (start && end && end->utc > start->time.utc) {
            const std::int64_t duration = end->utc - start->time.utc;
            p.end.utc += duration;
            p.end.local = shifted_local(p.start.local, duration);
        }
        return p;
    }
    return std::nullopt;
}

std::optional<ReplyEvent> read_event(icalcomponent* c, std::size_t ordinal,
                                     const std::string& method, const RawAttendees& raw,
                                     TimeReader& times, std::vector<std::string>& warnings) {
    ReplyEvent ev;
    ev.uid = text_of(c, ICAL_UID_PROPERTY);
    if (ev.uid.empty()) {
        warnings.push_back("a VEVENT without UID was skipped (RFC 5545 requires one)");
        return std::nullopt;
    }
    if (icalproperty* p = icalcomponent_get_first_property(c, ICAL_SEQUENCE_PROPERTY))
        ev.sequence = std::max(0, icalproperty_get_sequence(p));
    if (icalproperty* p = icalcomponent_get_first_property(c, ICAL_DTSTAMP_PROPERTY))
        ev.dtstamp = utc_of_stamp(icalproperty_get_dtstamp(p));
    ev.reply_time = utc_stamp_of(x_property(c, "X-MICROSOFT-CDO-REPLYTIME"));
    read_organizer(c, ev);
    for (icalproperty* p = icalcomponent_get_first_property(c, ICAL_ATTENDEE_PROPERTY); p;
         p = icalcomponent_get_next_property(c, ICAL_ATTENDEE_PROPERTY))
        ev.attendees.push_back(read_attendee(p, raw, ordinal));
    ev.comment = read_comment(c);
    ev.summary = text_of(c, ICAL_SUMMARY_PROPERTY);
    ev.location = text_of(c, ICAL_LOCATION_PROPERTY);

    if (icalproperty* p = icalcomponent_get_first_property(c, ICAL_RECURRENCEID_PROPERTY)) {
        if (auto rid = times.read(p, icalproperty_get_recurrenceid(p)))
            ev.recurrence_id = recurrence_key(rid->time);
        else
            warnings.push_back(fmt::format("VEVENT {} has an unreadable RECURRENCE-ID", ev.uid));
    }
    std::optional<ReadTime> start;
    if (icalproperty* p = icalcomponent_get_first_property(c, ICAL_DTSTART_PROPERTY)) {
        start = times.read(p, icalproperty_get_dtstart(p));
        if (!start) warnings.push_back(fmt::format("VEVENT {} has an unreadable DTSTART", ev.uid));
    }
    if (start) {
        ev.start = start->time;
        ev.tzid = start->tzid;
        ev.end = times.end_of(c, *start, ev.uid);
    }
    if (method == "COUNTER" && start) {
        Proposal p;
        p.start = start->time;
        p.end = ev.end.value_or(start->time);
        p.timezone = start->iana;
        p.source = "COUNTER";
        for (const auto& a : ev.attendees)
            if (!a.address.empty()) {
                p.proposed_by = a.address;
                break;
            }
        ev.proposal = std::move(p);
    } else {
        for (const auto& a : ev.attendees) {
            if (a.proposed_new_time.empty()) continue;
            if (auto p = apple_proposal(a, start, ev.end, times)) {
                ev.proposal = std::move(p);
                break;
            }
            warnings.push_back(fmt::format("VEVENT {}: the proposed time \"{}\" is unreadable",
                                           ev.uid, a.proposed_new_time));
        }
    }
    return ev;
}

void read_calendar(icalcomponent* cal, const RawAttendees& raw, std::size_t& ordinal,
                   ParsedReply& out) {
    IncomingReply& r = out.reply;
    if (r.method.empty()) r.method = upper(trimmed(text_of(cal, ICAL_METHOD_PROPERTY)));
    if (r.prodid.empty()) r.prodid = trimmed(text_of(cal, ICAL_PRODID_PROPERTY));
    for (icalcomponent* tz = icalcomponent_get_first_component(cal, ICAL_VTIMEZONE_COMPONENT); tz;
         tz = icalcomponent_get_next_component(cal, ICAL_VTIMEZONE_COMPONENT)) {
        icalproperty* id = icalcomponent_get_first_property(tz, ICAL_TZID_PROPERTY);
        const char* name = id ? icalproperty_get_tzid(id) : nullptr;
        if (!name) continue;
        if (char* text = icalcomponent_as_ical_string_r(tz)) {
            r.vtimezones.emplace_back(name, text);
            free(text);
        }
    }
    TimeReader times(cal, out.warnings);
    const std::string method = r.method;
    for (icalcomponent* c = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT); c;
         c = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT)) {
        if (auto ev = read_event(c, ordinal++, method, raw, times, out.warnings))
            r.events.push_back(std::move(*ev));
    }
}

}  // namespace

ParsedReply parse_reply(std::string_view text) {
    init_libical();
    ParsedReply out;
    const std::string buffer(text);  // libical needs a NUL-terminated string
    ComponentPtr root(icalparser_parse_string(buffer.c_str()));
    if (!root) {
        out.error = "the calendar could not be parsed as iCalendar (RFC 5545)";
        return out;
    }
    const RawAttendees raw = scan_attendees(text);
    std::size_t ordinal = 0;
    switch (icalcomponent_isa(root.get())) {
        case ICAL_VCALENDAR_COMPONENT:
            read_calendar(root.get(), raw, ordinal, out);
            break;
        case ICAL_XROOT_COMPONENT:  // several VCALENDARs in one text
            for (icalcomponent* c =
                     icalcomponent_get_first_component(root.get(), ICAL_VCALENDAR_COMPONENT);
                 c; c = icalcomponent_get_next_component(root.get(), ICAL_VCALENDAR_COMPONENT))
                read_calendar(c, raw, ordinal, out);
            break;
        default:
            out.error = fmt::format("the text is a {}, not a VCALENDAR",
                                    kind_name(icalcomponent_isa(root.get())));
    }
    if (out.error.empty() && out.reply.events.empty())
        out.warnings.push_back("the calendar holds no VEVENT with a UID");
    return out;
}

}  // namespace cis::ical
