// Feeds (METHOD:PUBLISH) read back with CIS's own calendar parser (libical): UIDs,
// SEQUENCE, STATUS, recurrence with moved and cancelled instances, one VTIMEZONE per zone,
// escaping and folding.
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>
#include <string>

#include "core/time.hpp"
#include "ical/parse_calendar.hpp"
#include "imip/feed.hpp"

using namespace cis;

namespace {

std::int64_t utc(int y, int mo, int d, int h = 0, int mi = 0) {
    return civil_to_epoch(CivilTime{y, mo, d, h, mi, 0});
}

Event berlin_event(std::string id, int day, std::int64_t sequence) {
    Event e;
    e.id = std::move(id);
    e.organizer = "coach@club.example";
    e.sequence = sequence;
    e.fields.summary = "Match " + e.id;
    e.fields.start = CalTime{utc(2026, 12, day, 17), "", false, false};
    e.fields.end = CalTime{utc(2026, 12, day, 19), "", false, false};
    e.fields.timezone = "Europe/Berlin";
    e.created_at = utc(2026, 11, 1);
    e.updated_at = utc(2026, 11, 2);
    return e;
}

// Weekly on Tuesdays; one instance moved, one cancelled.
Event weekly_event() {
    Event e = berlin_event("weekly", 1, 4);
    e.fields.summary = "Chorprobe; Sopran, Alt \\ Tenor";
    e.fields.description = "Zeile 1\nZeile 2, mit Komma; und Semikolon. " + std::string(120, 'x');
    e.recurrence.rrule = "FREQ=WEEKLY;COUNT=10;BYDAY=TU";
    Occurrence moved{"20261208T170000Z", e.fields, {}};
    moved.fields.start = CalTime{utc(2026, 12, 9, 18), "", false, false};
    moved.fields.end = CalTime{utc(2026, 12, 9, 20), "", false, false};
    Occurrence cancelled{"20261215T170000Z", e.fields, {}};
    cancelled.fields.status = EventStatus::Cancelled;
    e.occurrences = {moved, cancelled};
    return e;
}

Event cancelled_new_york_event() {
    Event e = berlin_event("gone", 3, 2);
    e.fields.timezone = "America/New_York";
    e.fields.status = EventStatus::Cancelled;
    e.recurrence.rrule = "FREQ=DAILY;COUNT=3";
    Occurrence moved{"20261204T170000Z", e.fields, {}};
    moved.fields.status = EventStatus::Confirmed;
    moved.fields.start = CalTime{utc(2026, 12, 4, 20), "", false, false};
    moved.fields.end = CalTime{utc(2026, 12, 4, 21), "", false, false};
    e.occurrences = {moved};
    return e;
}

imip::FeedInput feed_input() {
    imip::FeedInput in;
    in.name = "Club, Season; 2026";
    in.domain = "cis.example.org";
    in.organizer_name = "Müller, Hans";
    in.rsvp_address = "rsvp@cis.example.org";
    return in;
}

std::vector<Event> three_events() {
    return {weekly_event(), berlin_event("plain", 2, 0), cancelled_new_york_event()};
}

std::size_t count(const std::string& text, const std::string& needle) {
    std::size_t n = 0;
    for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
    return n;
}

const IncomingEvent* find(const IncomingCalendar& c, const std::string& uid,
                          const std::string& recurrence_id = "") {
    for (const auto& e : c.events)
        if (e.uid == uid && e.recurrence_id == recurrence_id) return &e;
    return nullptr;
}

}  // namespace

TEST(Feed, ParsesAsPublishWithOneVeventPerEventAndItsMovedInstance) {
    const std::string text = imip::render_feed(feed_input(), three_events());
    const auto parsed = ical::parse_calendar(text);
    ASSERT_TRUE(parsed.error.empty()) << parsed.error;
    EXPECT_EQ(parsed.calendar.method, "PUBLISH");
    // weekly master + its moved instance, plain, gone (master alone: it is cancelled)
    ASSERT_EQ(parsed.calendar.events.size(), 4u) << text;

    const auto* weekly = find(parsed.calendar, "weekly@cis.example.org");
    ASSERT_NE(weekly, nullptr);
    EXPECT_EQ(weekly->version.sequence, 4);
    EXPECT_EQ(weekly->fields.status, EventStatus::Confirmed);
    EXPECT_EQ(weekly->fields.summary, "Chorprobe; Sopran, Alt \\ Tenor");
    EXPECT_EQ(weekly->fields.description, weekly_event().fields.description);
    EXPECT_EQ(weekly->fields.timezone, "Europe/Berlin");
    EXPECT_EQ(weekly->fields.start.utc, utc(2026, 12, 1, 17));
    EXPECT_EQ(weekly->recurrence.rrule, "FREQ=WEEKLY;COUNT=10;BYDAY=TU");
    // The cancelled instance is an EXDATE of the master, as in the invitations.
    EXPECT_NE(std::find(weekly->recurrence.exdates.begin(), weekly->recurrence.exdates.end(),
                        "20261215T170000Z"),
              weekly->recurrence.exdates.end());
    EXPECT_EQ(weekly->organizer, "rsvp@cis.example.org");

    const auto* moved = find(parsed.calendar, "weekly@cis.example.org", "20261208T170000Z");
    ASSERT_NE(moved, nullptr);
    EXPECT_EQ(moved->fields.start.utc, utc(2026, 12, 9, 18));
    EXPECT_EQ(moved->version.sequence, 4) << "an override carries the master's SEQUENCE";

    const auto* plain = find(parsed.calendar, "plain@cis.example.org");
    ASSERT_NE(plain, nullptr);
    EXPECT_EQ(plain->version.sequence, 0);
    EXPECT_EQ(plain->version.dtstamp, utc(2026, 11, 2)) << "DTSTAMP is the last change";

    const auto* gone = find(parsed.calendar, "gone@cis.example.org");
    ASSERT_NE(gone, nullptr);
    EXPECT_EQ(gone->fields.status, EventStatus::Cancelled);
    EXPECT_EQ(gone->version.sequence, 2);
    EXPECT_EQ(gone->fields.timezone, "America/New_York");
    EXPECT_EQ(find(parsed.calendar, "gone@cis.example.org", "20261204T170000Z"), nullptr)
        << "a cancelled series carries none of its moved instances";
}

TEST(Feed, WritesEachZoneOnceAndCalendarHeaders) {
    const std::string text = imip::render_feed(feed_input(), three_events());
    EXPECT_EQ(count(text, "BEGIN:VTIMEZONE"), 2u);
    EXPECT_EQ(count(text, "TZID:Europe/Berlin\r\n"), 1u);
    EXPECT_EQ(count(text, "TZID:America/New_York\r\n"), 1u);
    EXPECT_NE(text.find("\r\nMETHOD:PUBLISH\r\n"), std::string::npos);
    EXPECT_NE(text.find("\r\nX-WR-CALNAME:Club\\, Season\\; 2026\r\n"), std::string::npos);
    EXPECT_NE(text.find("\r\nREFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n"), std::string::npos);
    EXPECT_NE(text.find("\r\nX-PUBLISHED-TTL:PT1H\r\n"), std::string::npos);
    EXPECT_LT(text.find("END:VTIMEZONE"), text.find("BEGIN:VEVENT")) << "zones come first";
    // Anonymous: nobody is asked to answer.
    EXPECT_EQ(text.find("ATTENDEE"), std::string::npos);
    EXPECT_EQ(text.find("RSVP"), std::string::npos);
    EXPECT_NE(text.find("ORGANIZER;CN=\"Müller, Hans\":mailto:rsvp@cis.example.org"),
              std::string::npos);
}

TEST(Feed, EscapesTextAndFoldsLongLines) {
    const std::string text = imip::render_feed(feed_input(), three_events());
    EXPECT_NE(text.find("SUMMARY:Chorprobe\\; Sopran\\, Alt \\\\ Tenor\r\n"), std::string::npos);
    EXPECT_NE(text.find("DESCRIPTION:Zeile 1\\nZeile 2\\, mit Komma\\; und Semikolon."),
              std::string::npos);
    // Every physical line is at most 75 octets and ends in CRLF; the long DESCRIPTION
    // continues on lines starting with a space.
    std::size_t start = 0, continuations = 0;
    while (start < text.size()) {
        const auto end = text.find("\r\n", start);
        ASSERT_NE(end, std::string::npos) << "line without CRLF at " << start;
        EXPECT_LE(end - start, 75u) << text.substr(start, end - start);
        EXPECT_EQ(text.substr(start, end - start).find('\n'), std::string::npos);
        if (text[start] == ' ') ++continuations;
        start = end + 2;
    }
    EXPECT_GE(continuations, 2u);
}

TEST(Feed, SameEventsGiveSameBytes) {
    EXPECT_EQ(imip::render_feed(feed_input(), three_events()),
              imip::render_feed(feed_input(), three_events()));
    auto changed = three_events();
    changed[1].sequence = 1;
    EXPECT_NE(imip::render_feed(feed_input(), three_events()),
              imip::render_feed(feed_input(), changed));
}

TEST(Feed, EmptyFeedIsAValidCalendarWithoutEvents) {
    const std::string text = imip::render_feed(feed_input(), {});
    EXPECT_EQ(text.rfind("BEGIN:VCALENDAR\r\n", 0), 0u);
    EXPECT_EQ(text.substr(text.size() - 15), "END:VCALENDAR\r\n");
    EXPECT_EQ(text.find("BEGIN:VEVENT"), std::string::npos);
    EXPECT_EQ(text.find("BEGIN:VTIMEZONE"), std::string::npos);
}

TEST(Feed, SingleEventDownloadHasItsUidAndZone) {
    const std::string text = imip::render_feed(feed_input(), {berlin_event("one", 5, 7)});
    const auto parsed = ical::parse_calendar(text);
    ASSERT_TRUE(parsed.error.empty()) << parsed.error;
    ASSERT_EQ(parsed.calendar.events.size(), 1u);
    EXPECT_EQ(parsed.calendar.events[0].uid, "one@cis.example.org");
    EXPECT_EQ(parsed.calendar.events[0].version.sequence, 7);
    EXPECT_EQ(count(text, "BEGIN:VTIMEZONE"), 1u);
}
