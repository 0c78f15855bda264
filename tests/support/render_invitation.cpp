// Test-only tool: renders invitations for hand-built events into OUTDIR as
// <case>.<recipient>.eml, for tests/e2e/test_invitation_format.py to check with
// independent parsers (Python's email + icalendar, and ical.js). The instants below are
// written by hand in UTC; the Python test states its own expectations.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "core/event.hpp"
#include "imip/invitation.hpp"
#include "imip/recipient_uid.hpp"

namespace {

using namespace cis;

std::int64_t utc(int y, int mo, int d, int h = 0, int mi = 0) {
    return civil_to_epoch(CivilTime{y, mo, d, h, mi, 0});
}

CalTime zoned(std::int64_t instant, std::string local) {
    return CalTime{instant, std::move(local), false, false};
}

CalTime date(int y, int mo, int d) {
    char buf[9];
    std::snprintf(buf, sizeof buf, "%04d%02d%02d", y, mo, d);
    return CalTime{utc(y, mo, d), buf, true, false};
}

Event berlin(std::int64_t sequence) {
    Event e;
    e.id = "ev-berlin";
    e.organizer = "juergen@example.com";
    e.sequence = sequence;
    e.fields.summary = "Größenplanung: Äpfel, Öl & Übermut";
    e.fields.description =
        "Agenda; bitte lesen:\n1. Budget, Q3\n2. Räume; Flure\\Treppen\n\n"
        "Ein sehr langer Absatz, der weit über fünfundsiebzig Oktette hinausgeht, damit das "
        "Falten mitten in Umlauten wie äöüÄÖÜß geprüft wird — und <b>HTML</b> & \"Zitate\".";
    e.fields.location = "Raum 3; Gebäude B, Berlin";
    e.fields.start = zoned(utc(2024, 5, 1, 8), "20240501T100000");
    e.fields.end = zoned(utc(2024, 5, 1, 9), "20240501T110000");
    e.fields.timezone = "Europe/Berlin";
    return e;
}

Event new_york() {
    Event e;
    e.id = "ev-newyork";
    e.fields.summary = "Launch party 🎉🚀";
    e.fields.location = "Pier 17, New York";
    // 2024-03-10 is the day US daylight time starts: 09:00 EDT is 13:00 UTC.
    e.fields.start = zoned(utc(2024, 3, 10, 13), "20240310T090000");
    e.fields.end = zoned(utc(2024, 3, 10, 14, 30), "20240310T103000");
    e.fields.timezone = "America/New_York";
    return e;
}

Event all_day() {
    Event e;
    e.id = "ev-allday";
    e.fields.summary = "年次総会 — 東京";
    e.fields.description = "二日間の会議です。";
    e.fields.start = date(2024, 6, 10);
    e.fields.end = date(2024, 6, 12);
    e.fields.all_day = true;
    return e;
}

Event weekly() {
    Event e;
    e.id = "ev-weekly";
    e.sequence = 2;
    e.fields.summary = "Chorprobe";
    // Tuesdays 18:00 Berlin time from 19 March 2024: CET (+1) first, CEST (+2) after 31 March.
    e.fields.start = zoned(utc(2024, 3, 19, 17), "20240319T180000");
    e.fields.end = zoned(utc(2024, 3, 19, 19), "20240319T200000");
    e.fields.timezone = "Europe/Berlin";
    e.recurrence.rrule = "FREQ=WEEKLY;COUNT=10;BYDAY=TU";
    e.recurrence.exdates = {"20240402T160000Z"};
    Occurrence cancelled;
    cancelled.recurrence_id = "20240416T160000Z";
    cancelled.fields = e.fields;
    cancelled.fields.status = EventStatus::Cancelled;
    Occurrence moved;
    moved.recurrence_id = "20240409T160000Z";
    moved.fields = e.fields;
    moved.fields.summary = "Chorprobe (verschoben)";
    moved.fields.start = zoned(utc(2024, 4, 10, 17), "20240410T190000");
    moved.fields.end = zoned(utc(2024, 4, 10, 18), "20240410T200000");
    e.occurrences = {moved, cancelled};
    return e;
}

// A VTIMEZONE no IANA zone matches (+05:30, daylight +06:30 from the second Sunday of
// March to the first of November), stored with LF line ends as a client might send it.
Event custom_zone() {
    Event e;
    e.id = "ev-custom";
    e.fields.summary = "Custom zone review";
    e.fields.vtimezone =
        "BEGIN:VTIMEZONE\nTZID:Customized Time Zone\nBEGIN:STANDARD\nDTSTART:16010101T020000\n"
        "TZOFFSETFROM:+0630\nTZOFFSETTO:+0530\nRRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11\n"
        "END:STANDARD\nBEGIN:DAYLIGHT\nDTSTART:16010101T020000\nTZOFFSETFROM:+0530\n"
        "TZOFFSETTO:+0630\nRRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=3\nEND:DAYLIGHT\n"
        "END:VTIMEZONE\n";
    // 09:00 at +06:30 is 02:30 UTC.
    e.fields.start = zoned(utc(2024, 7, 1, 2, 30), "20240701T090000");
    e.fields.end = zoned(utc(2024, 7, 1, 3, 30), "20240701T100000");
    return e;
}

Event in_utc() {
    Event e;
    e.id = "ev-utc";
    e.sequence = 4;
    e.fields.summary = "Quarterly review";
    e.fields.start = CalTime{utc(2024, 9, 15, 12), "20240915T120000Z", false, false};
    e.fields.end = CalTime{utc(2024, 9, 15, 13), "20240915T130000Z", false, false};
    return e;
}

Event floating() {
    Event e;
    e.id = "ev-floating";
    e.fields.summary = "Morning run";
    e.fields.start = CalTime{utc(2024, 8, 1, 7, 30), "20240801T073000", false, true};
    e.fields.end = CalTime{utc(2024, 8, 1, 8, 30), "20240801T083000", false, true};
    return e;
}

struct Case {
    std::string name;
    Event event;
    imip::Kind kind;
    std::string organizer_name, occurrence, reply_to;
};

Case make(std::string name, Event e, imip::Kind kind = imip::Kind::Invitation,
          std::string organizer = "Jürgen Müller, Hans", std::string occurrence = {},
          std::string reply_to = {}) {
    return Case{std::move(name),      std::move(e),          kind,
                std::move(organizer), std::move(occurrence), std::move(reply_to)};
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: render_invitation OUTDIR\n";
        return 64;
    }
    const std::filesystem::path out_dir = argv[1];
    std::filesystem::create_directories(out_dir);

    std::vector<Case> cases;
    using imip::Kind;
    cases.push_back(make("berlin", berlin(0)));
    cases.push_back(make("berlin_update", berlin(1), Kind::Update));
    cases.push_back(make("berlin_cancel", berlin(2), Kind::Cancellation));
    cases.push_back(make("newyork", new_york(), Kind::Invitation, "Party Crew"));
    cases.push_back(make("allday", all_day(), Kind::Invitation, "山田 太郎"));
    cases.push_back(make("weekly", weekly()));
    cases.push_back(
        make("weekly_cancel_one", weekly(), Kind::Cancellation, "Chorleitung", "20240423T160000Z"));
    cases.push_back(make("custom", custom_zone()));
    cases.push_back(make("utc", in_utc(), Kind::Invitation, "", "", "organizer@example.com"));
    cases.push_back(make("floating", floating(), Kind::Invitation, "Runner"));

    struct Who {
        std::string tag, email, name;
    };
    const std::vector<Who> recipients = {{"alice", "alice@example.com", "Alice Wonderland"},
                                         {"bob", "bob@example.net", "Bøb Ünïcode, Jr."}};
    for (const auto& c : cases) {
        imip::TemplateInput in(c.event);
        in.kind = c.kind;
        in.organizer_name = c.organizer_name;
        in.rsvp_address = "rsvp@cis.example.org";
        in.reply_to = c.reply_to;
        in.dtstamp = utc(2024, 4, 1, 12) + c.event.sequence;
        in.message_id_domain = "cis.example.org";
        if (!c.occurrence.empty()) in.occurrences = {c.occurrence};
        const imip::InvitationTemplate tpl(in);
        for (const auto& who : recipients) {
            imip::Recipient r;
            r.email = who.email;
            r.name = who.name;
            r.uid = imip::recipient_uid("test-key", c.event.id, who.email, "cis.example.org");
            r.unsubscribe_url = "https://cis.example.org/unsubscribe/tok-" + who.tag;
            r.unsubscribe_mailto = "unsubscribe+tok-" + who.tag + "@cis.example.org";
            std::ofstream(out_dir / (c.name + "." + who.tag + ".eml"), std::ios::binary)
                << tpl.render(r);
        }
    }
    return 0;
}
