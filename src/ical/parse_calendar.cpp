#include "ical/parse_calendar.hpp"

#include <fmt/format.h>
#include <libical/ical.h>

#include <algorithm>
#include <memory>
#include <mutex>

#include "core/address.hpp"
#include "ical/ical_time.hpp"
#include "ical/recurrence.hpp"

namespace cis::ical {

namespace {

struct ComponentDeleter {
    void operator()(icalcomponent* c) const { icalcomponent_free(c); }
};
using ComponentPtr = std::unique_ptr<icalcomponent, ComponentDeleter>;

// libical has no name for X- and unknown components (it returns null).
std::string kind_name(icalcomponent_kind kind) {
    const char* name = icalcomponent_kind_to_string(kind);
    return name ? name : "non-standard component";
}

void init_libical() {
    static std::once_flag once;
    // Untrusted input: libical must report errors, never abort.
    std::call_once(once, [] { icalerror_set_errors_are_fatal(0); });
}

// Some producers escape twice ("Hall\\\\, Paris"): after RFC 5545 unescaping a
// backslash is left before ',' or ';', which no person ever meant to write.
void undo_double_escaping(std::string& text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\\' && i + 1 < text.size() && (text[i + 1] == ',' || text[i + 1] == ';'))
            continue;
        out += text[i];
    }
    text.swap(out);
}

std::string text_of(icalcomponent* c, icalproperty_kind kind) {
    icalproperty* p = icalcomponent_get_first_property(c, kind);
    if (!p) return {};
    // TEXT values come unescaped from icalvalue_get_text ("\\n" is a newline);
    // icalproperty_get_value_as_string would return the escaped wire form.
    icalvalue* v = icalproperty_get_value(p);
    const char* s = v && icalvalue_isa(v) == ICAL_TEXT_VALUE ? icalvalue_get_text(v)
                                                             : icalproperty_get_value_as_string(p);
    std::string text = s ? std::string(s) : std::string();
    if (v && icalvalue_isa(v) == ICAL_TEXT_VALUE) undo_double_escaping(text);
    return text;
}

// The value of a parameter libical does not know by name (EMAIL of RFC 7986 on older
// libical), read from the serialised parameter.
std::string parameter_named(icalproperty* p, std::string_view name) {
    for (icalparameter* par = icalproperty_get_first_parameter(p, ICAL_ANY_PARAMETER); par;
         par = icalproperty_get_next_parameter(p, ICAL_ANY_PARAMETER)) {
        char* s = icalparameter_as_ical_string_r(par);
        if (!s) continue;
        std::string text(s);
        free(s);
        const auto eq = text.find('=');
        if (eq == std::string::npos) continue;
        std::string key = text.substr(0, eq);
        std::transform(key.begin(), key.end(), key.begin(), ::toupper);
        if (key != name) continue;
        std::string value = text.substr(eq + 1);
        if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
            value = value.substr(1, value.size() - 2);
        return value;
    }
    return {};
}

void read_organizer(icalcomponent* c, IncomingEvent& ev) {
    icalproperty* p = icalcomponent_get_first_property(c, ICAL_ORGANIZER_PROPERTY);
    if (!p) return;
    const char* v = icalproperty_get_organizer(p);
    ev.organizer_raw = v ? v : "";
    ev.organizer = normalize_address(ev.organizer_raw);
    // iCloud writes ORGANIZER;EMAIL=real@icloud.com:mailto:2_…@imip.me.com — the
    // EMAIL parameter is the person, the mailto a relay.
    if (std::string email = normalize_address(parameter_named(p, "EMAIL")); !email.empty())
        ev.organizer = email;
    if (icalparameter* sb = icalproperty_get_first_parameter(p, ICAL_SENTBY_PARAMETER))
        if (const char* s = icalparameter_get_sentby(sb)) ev.sent_by = normalize_address(s);
}

std::int64_t read_sequence(icalcomponent* c) {
    icalproperty* p = icalcomponent_get_first_property(c, ICAL_SEQUENCE_PROPERTY);
    if (!p) return 0;
    const int v = icalproperty_get_sequence(p);
    return v < 0 ? 0 : v;
}

EventStatus read_status(icalcomponent* c) {
    switch (icalcomponent_get_status(c)) {
        case ICAL_STATUS_CANCELLED:
            return EventStatus::Cancelled;
        case ICAL_STATUS_TENTATIVE:
            return EventStatus::Tentative;
        default:
            return EventStatus::Confirmed;
    }
}

std::optional<IncomingEvent> read_event(icalcomponent* c, TimeReader& times,
                                        std::vector<std::string>& warnings) {
    IncomingEvent ev;
    ev.uid = text_of(c, ICAL_UID_PROPERTY);
    if (ev.uid.empty()) {
        warnings.push_back("a VEVENT without UID was skipped (RFC 5545 requires one)");
        return std::nullopt;
    }
    ev.fields.summary = text_of(c, ICAL_SUMMARY_PROPERTY);
    ev.fields.description = text_of(c, ICAL_DESCRIPTION_PROPERTY);
    ev.fields.location = text_of(c, ICAL_LOCATION_PROPERTY);
    ev.fields.status = read_status(c);
    ev.version.sequence = read_sequence(c);
    if (icalproperty* p = icalcomponent_get_first_property(c, ICAL_DTSTAMP_PROPERTY))
        ev.version.dtstamp = utc_of_stamp(icalproperty_get_dtstamp(p));
    read_organizer(c, ev);
    // A CANCEL needs only the UID (Thunderbird omits DTSTART); the rules refuse to
    // create or update from a VEVENT whose start is empty.
    icalproperty* dtstart = icalcomponent_get_first_property(c, ICAL_DTSTART_PROPERTY);
    auto start = dtstart ? times.read(dtstart, icalproperty_get_dtstart(dtstart)) : std::nullopt;
    if (!start) {
        if (dtstart) warnings.push_back(fmt::format("VEVENT {} has an unreadable DTSTART", ev.uid));
        return ev;
    }
    ev.fields.start = start->time;
    ev.fields.timezone = start->iana;
    ev.fields.vtimezone = start->vtimezone;
    ev.fields.all_day = start->time.is_date;
    ev.fields.end = times.end_of(c, *start, ev.uid);
    if (icalproperty* p = icalcomponent_get_first_property(c, ICAL_RECURRENCEID_PROPERTY)) {
        if (auto rid = times.read(p, icalproperty_get_recurrenceid(p)))
            ev.recurrence_id = recurrence_key(rid->time);
    }
    ev.recurrence = read_recurrence(c, times, warnings);
    ev.last_end = last_end(c, ev, *start, times);
    return ev;
}

void read_calendar(icalcomponent* cal, ParsedCalendar& out) {
    IncomingCalendar& ic = out.calendar;
    if (ic.method.empty()) ic.method = text_of(cal, ICAL_METHOD_PROPERTY);
    if (ic.prodid.empty()) ic.prodid = text_of(cal, ICAL_PRODID_PROPERTY);
    TimeReader times(cal, out.warnings);
    for (icalcomponent* c = icalcomponent_get_first_component(cal, ICAL_ANY_COMPONENT); c;
         c = icalcomponent_get_next_component(cal, ICAL_ANY_COMPONENT)) {
        const icalcomponent_kind kind = icalcomponent_isa(c);
        if (kind == ICAL_VEVENT_COMPONENT) {
            if (auto ev = read_event(c, times, out.warnings)) ic.events.push_back(std::move(*ev));
        } else if (kind != ICAL_VTIMEZONE_COMPONENT) {
            ic.other_components.push_back(kind_name(kind));
        }
    }
}

}  // namespace

ParsedCalendar parse_calendar(std::string_view text) {
    init_libical();
    ParsedCalendar out;
    const std::string buffer(text);  // libical needs a NUL-terminated string
    ComponentPtr root(icalparser_parse_string(buffer.c_str()));
    if (!root) {
        out.error = "the calendar could not be parsed as iCalendar (RFC 5545)";
        return out;
    }
    switch (icalcomponent_isa(root.get())) {
        case ICAL_VCALENDAR_COMPONENT:
            read_calendar(root.get(), out);
            break;
        case ICAL_XROOT_COMPONENT:  // several VCALENDARs in one text
            for (icalcomponent* c =
                     icalcomponent_get_first_component(root.get(), ICAL_VCALENDAR_COMPONENT);
                 c; c = icalcomponent_get_next_component(root.get(), ICAL_VCALENDAR_COMPONENT))
                read_calendar(c, out);
            break;
        default:
            out.error = fmt::format("the text is a {}, not a VCALENDAR",
                                    kind_name(icalcomponent_isa(root.get())));
    }
    return out;
}

}  // namespace cis::ical
