#include "ical/parse_calendar.hpp"

#include <fmt/format.h>
#include <libical/ical.h>

#include "core/address.hpp"
#include "ical/ical_time.hpp"
#include "ical/ical_values.hpp"
#include "ical/recurrence.hpp"

namespace cis::ical {

namespace {

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
