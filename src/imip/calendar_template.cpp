#include "imip/calendar_template.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "imip/calendar_time.hpp"
#include "imip/ical_text.hpp"
#include "imip/zone_text.hpp"

namespace cis::imip {

namespace {

const char* status_text(EventStatus s) {
    switch (s) {
        case EventStatus::Cancelled:
            return "CANCELLED";
        case EventStatus::Tentative:
            return "TENTATIVE";
        case EventStatus::Confirmed:
            break;
    }
    return "CONFIRMED";
}

bool has_time(const CalTime& t) {
    return t.utc != 0 || !t.local.empty();
}

void text_property(std::string& out, std::string_view name, const std::string& value) {
    std::string line(name);
    line += ':';
    append_escaped_text(line, value);
    append_folded(out, line);
}

// The lines of one VEVENT after its UID and before its ATTENDEE.
struct VeventBody {
    const EventFields& fields;
    std::string recurrence_id;  // the whole RECURRENCE-ID line, or empty
    std::vector<std::string> recurrence_lines;
    EventStatus status;
};

}  // namespace

void ZoneSet::add(const TimeStyle& s) {
    if (s.kind == TimeStyle::Iana && !zones_.count(s.tzid)) {
        if (auto text = vtimezone_for(s.tzid, year_)) zones_[s.tzid] = *text;
    } else if (s.kind == TimeStyle::Custom && s.custom && !zones_.count(s.tzid)) {
        zones_[s.tzid] = s.custom->text;
    }
}

void ZoneSet::append(std::string& out) const {
    for (const auto& [tzid, text] : zones_) out += text;
}

std::vector<std::string> vevent_bodies(const CalendarInput& in, ZoneSet& zones) {
    const Event& ev = in.event;
    const TimeStyle master_style = style_of(ev.fields);
    zones.add(master_style);
    std::string organizer = "ORGANIZER";
    if (!in.organizer_name.empty()) {
        organizer += ";CN=";
        append_param(organizer, in.organizer_name);
    }
    organizer += ":mailto:";
    organizer += valid_utf8(in.rsvp_address);
    const std::string common =
        fmt::format("DTSTAMP:{}\r\nSEQUENCE:{}\r\n", format_basic_utc(in.dtstamp), ev.sequence);

    std::vector<VeventBody> vevents;
    std::vector<EventFields> instances;  // outlive `vevents`, which refer to them
    const bool recurring = !ev.recurrence.empty();
    if (in.cancel && !in.occurrences.empty()) {
        // Instances cancelled: each with its RECURRENCE-ID and its own times.
        instances.reserve(in.occurrences.size());  // no reallocation: vevents point in
        for (const auto& key : in.occurrences) {
            instances.push_back(instance_fields(ev, key));
            VeventBody body{instances.back(),
                            key_property("RECURRENCE-ID", key, ev.fields.start, master_style),
                            {},
                            EventStatus::Cancelled};
            vevents.push_back(std::move(body));
        }
    } else {
        VeventBody master{ev.fields, {}, {}, in.cancel ? EventStatus::Cancelled : ev.fields.status};
        std::vector<std::string> exdates = ev.recurrence.exdates;
        for (const auto& o : ev.occurrences)
            if (o.fields.status == EventStatus::Cancelled) exdates.push_back(o.recurrence_id);
        std::sort(exdates.begin(), exdates.end());
        exdates.erase(std::unique(exdates.begin(), exdates.end()), exdates.end());
        if (recurring) {
            if (!ev.recurrence.rrule.empty())
                master.recurrence_lines.push_back("RRULE:" + valid_utf8(ev.recurrence.rrule));
            for (const auto& key : ev.recurrence.rdates)
                if (auto line = key_property("RDATE", key, ev.fields.start, master_style);
                    !line.empty())
                    master.recurrence_lines.push_back(std::move(line));
            for (const auto& key : exdates)
                if (auto line = key_property("EXDATE", key, ev.fields.start, master_style);
                    !line.empty())
                    master.recurrence_lines.push_back(std::move(line));
        }
        vevents.push_back(std::move(master));
        // Moved or edited instances; a CANCEL of the whole series needs none of them.
        for (const auto& o : ev.occurrences) {
            if (!recurring || in.cancel || o.fields.status == EventStatus::Cancelled ||
                !has_time(o.fields.start) ||
                std::binary_search(exdates.begin(), exdates.end(), o.recurrence_id))
                continue;
            vevents.push_back(VeventBody{
                o.fields,
                key_property("RECURRENCE-ID", o.recurrence_id, ev.fields.start, master_style),
                {},
                o.fields.status});
        }
    }

    std::vector<std::string> bodies;
    for (const auto& v : vevents) {
        const TimeStyle style = style_of(v.fields);
        zones.add(style);
        std::string body = common;
        if (!v.recurrence_id.empty()) append_folded(body, v.recurrence_id);
        append_folded(body, time_property("DTSTART", v.fields.start, style));
        if (has_time(v.fields.end) && v.fields.end.utc > v.fields.start.utc)
            append_folded(body, time_property("DTEND", v.fields.end, style));
        else if (style.kind == TimeStyle::Date)  // RFC 5545's default, stated for clients
            body += "DURATION:P1D\r\n";
        for (const auto& line : v.recurrence_lines) append_folded(body, line);
        text_property(body, "SUMMARY", v.fields.summary);
        if (!v.fields.description.empty()) text_property(body, "DESCRIPTION", v.fields.description);
        if (!v.fields.location.empty()) text_property(body, "LOCATION", v.fields.location);
        body += fmt::format("STATUS:{}\r\nTRANSP:OPAQUE\r\n", status_text(v.status));
        append_folded(body, organizer);
        bodies.push_back(std::move(body));
    }
    return bodies;
}

CalendarTemplate::CalendarTemplate(const CalendarInput& in) {
    method_ = in.cancel ? "CANCEL" : "REQUEST";
    rsvp_ = !in.cancel;
    ZoneSet zones(epoch_to_civil(in.event.fields.start.utc).year);
    auto bodies = vevent_bodies(in, zones);
    std::string head = "BEGIN:VCALENDAR\r\n";
    append_folded(head, "PRODID:" + valid_utf8(in.prodid));
    head += fmt::format("VERSION:2.0\r\nCALSCALE:GREGORIAN\r\nMETHOD:{}\r\n", method_);
    zones.append(head);

    // head BEGIN:VEVENT [UID] body [ATTENDEE] END:VEVENT BEGIN:VEVENT [UID] ... END:VCALENDAR
    std::string pending = std::move(head);
    for (auto& body : bodies) {
        pending += "BEGIN:VEVENT\r\n";
        pieces_.push_back(std::move(pending));
        pieces_.push_back(std::move(body));
        pending = "END:VEVENT\r\n";
    }
    pending += "END:VCALENDAR\r\n";
    pieces_.push_back(std::move(pending));
    for (const auto& p : pieces_) static_size_ += p.size();
}

void CalendarTemplate::render(std::string& out, std::string_view uid, std::string_view email,
                              std::string_view name) const {
    // Per-thread buffers: render() runs a hundred thousand times a second per core.
    thread_local std::string line, uid_line, attendee;
    uid_line.clear();
    line = "UID:";
    append_escaped_text(line, uid);
    append_folded(uid_line, line);

    line = "ATTENDEE";
    if (!name.empty()) {
        line += ";CN=";
        append_param(line, name);
    }
    line += rsvp_ ? ";ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:"
                  : ";ROLE=REQ-PARTICIPANT:mailto:";
    for (char c : email)  // an address never holds control characters; a URI must not
        if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7F) line += c;
    attendee.clear();
    append_folded(attendee, line);

    out += pieces_[0];
    for (std::size_t i = 1; i < pieces_.size(); i += 2) {
        out += uid_line;
        out += pieces_[i];
        out += attendee;
        out += pieces_[i + 1];
    }
}

}  // namespace cis::imip
