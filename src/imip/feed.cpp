#include "imip/feed.hpp"

#include <algorithm>

#include "imip/calendar_template.hpp"
#include "imip/calendar_time.hpp"
#include "imip/ical_text.hpp"

namespace cis::imip {

std::string feed_uid(const Event& event, const std::string& domain) {
    return event.id + "@" + domain;
}

std::string render_feed(const FeedInput& in, const std::vector<Event>& events) {
    // Zones are written for the year subscribers look at: now, or the first event's year if
    // later (events come in start order). Zones with yearly rules hold them from 1970 on
    // anyway; the others (zone_text.hpp) are exact only from the year before this one, so a
    // series that began years ago must not pull the zone back to its first year.
    const int this_year = epoch_to_civil(in.now).year;
    const int first_year =
        events.empty() ? this_year : epoch_to_civil(events.front().fields.start.utc).year;
    ZoneSet zones(std::max(this_year, first_year));
    std::string vevents;
    for (const auto& event : events) {
        CalendarInput c(event);
        // A cancelled event is its master alone with STATUS:CANCELLED, as in a CANCEL
        // of the whole event: its moved instances would otherwise stay in the calendar.
        c.cancel = event.fields.status == EventStatus::Cancelled;
        // The last change, not the time of the request: the same events give the same
        // bytes (and ETag); SEQUENCE, not DTSTAMP, orders versions for clients.
        c.dtstamp = event.updated_at ? event.updated_at : event.created_at;
        c.organizer_name = in.organizer_name;
        c.rsvp_address = in.rsvp_address;
        std::string uid = "UID:";
        append_escaped_text(uid, feed_uid(event, in.domain));
        for (const auto& body : vevent_bodies(c, zones)) {
            vevents += "BEGIN:VEVENT\r\n";
            append_folded(vevents, uid);
            vevents += body;
            vevents += "END:VEVENT\r\n";
        }
    }
    std::string out = "BEGIN:VCALENDAR\r\n";
    append_folded(out, "PRODID:" + valid_utf8(in.prodid));
    out += "VERSION:2.0\r\nCALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\n";
    std::string name = "X-WR-CALNAME:";
    append_escaped_text(name, in.name);
    append_folded(out, name);
    // How often subscribers should fetch again: RFC 7986 and the older Apple/Microsoft name.
    out += "REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\nX-PUBLISHED-TTL:PT1H\r\n";
    zones.append(out);
    out += vevents;
    out += "END:VCALENDAR\r\n";
    return out;
}

}  // namespace cis::imip
