// iCalendar text → IncomingCalendar, on calendars we write to pin one behaviour each.
#include <gtest/gtest.h>

#include "ical/parse_calendar.hpp"

namespace cis::ical {
namespace {

std::string cal(const std::string& body, const std::string& method = "REQUEST") {
    return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nMETHOD:" + method + "\r\n" + body +
           "END:VCALENDAR\r\n";
}

std::string vevent(const std::string& props) {
    return "BEGIN:VEVENT\r\nUID:u1\r\nDTSTAMP:20260101T000000Z\r\n" + props + "END:VEVENT\r\n";
}

TEST(ParseCalendar, ZonedTimesResolveToIanaAndInstants) {
    const auto r = parse_calendar(cal(vevent(
        "DTSTART;TZID=Europe/Berlin:20300601T100000\r\nDTEND;TZID=Europe/Berlin:20300601T120000\r\n"
        "SUMMARY:Match\r\nSEQUENCE:3\r\nORGANIZER;CN=O:mailto:Org@Example.com\r\n")));
    ASSERT_TRUE(r.error.empty());
    ASSERT_EQ(r.calendar.events.size(), 1u);
    const auto& e = r.calendar.events[0];
    EXPECT_EQ(r.calendar.method, "REQUEST");
    EXPECT_EQ(e.fields.timezone, "Europe/Berlin");
    EXPECT_EQ(e.fields.start.utc, 1906531200);  // 08:00Z
    EXPECT_EQ(to_rfc3339(e.fields.start), "2030-06-01T10:00:00+02:00");
    EXPECT_EQ(e.fields.end.utc - e.fields.start.utc, 7200);
    EXPECT_EQ(e.version.sequence, 3);
    EXPECT_EQ(e.organizer, "org@example.com");
}

TEST(ParseCalendar, AllDayAndDefaultEnd) {
    const auto r = parse_calendar(cal(vevent("DTSTART;VALUE=DATE:20300601\r\n")));
    const auto& e = r.calendar.events.at(0);
    EXPECT_TRUE(e.fields.all_day);
    EXPECT_EQ(to_rfc3339(e.fields.start), "2030-06-01");
    EXPECT_EQ(to_rfc3339(e.fields.end), "2030-06-02") << "RFC 5545: a date event lasts one day";
}

TEST(ParseCalendar, DurationGivesTheEnd) {
    const auto r = parse_calendar(cal(vevent("DTSTART:20300601T100000Z\r\nDURATION:PT1H30M\r\n")));
    const auto& e = r.calendar.events.at(0);
    EXPECT_EQ(e.fields.end.utc - e.fields.start.utc, 5400);
    EXPECT_EQ(e.fields.timezone, "");
}

TEST(ParseCalendar, RecurrenceAndItsEnd) {
    const auto r = parse_calendar(cal(
        vevent("DTSTART:20300601T100000Z\r\nDTEND:20300601T110000Z\r\nRRULE:FREQ=WEEKLY;COUNT=3\r\n"
               "EXDATE:20300608T100000Z\r\n")));
    const auto& e = r.calendar.events.at(0);
    EXPECT_EQ(e.recurrence.rrule, "FREQ=WEEKLY;COUNT=3");
    EXPECT_EQ(e.recurrence.exdates, std::vector<std::string>{"20300608T100000Z"});
    ASSERT_TRUE(e.last_end);
    EXPECT_EQ(*e.last_end, e.fields.end.utc + 14 * 86400) << "third instance, two weeks on";
    const auto endless =
        parse_calendar(cal(vevent("DTSTART:20300601T100000Z\r\nRRULE:FREQ=DAILY\r\n")));
    EXPECT_FALSE(endless.calendar.events.at(0).last_end);
}

TEST(ParseCalendar, RecurrenceIdIsACanonicalUtcKey) {
    const auto r = parse_calendar(
        cal(vevent("RECURRENCE-ID;TZID=Europe/Berlin:20300608T100000\r\nDTSTART;TZID=Europe/"
                   "Berlin:20300608T110000\r\n")));
    EXPECT_EQ(r.calendar.events.at(0).recurrence_id, "20300608T080000Z");
}

TEST(ParseCalendar, TextIsUnescapedAndDoubleEscapingRepaired) {
    const auto r = parse_calendar(cal(
        vevent("DTSTART:20300601T100000Z\r\nSUMMARY:A\\, B\\; C\r\nDESCRIPTION:line1\\nline2\r\n"
               "LOCATION:Hall\\\\, Paris\r\n")));
    const auto& f = r.calendar.events.at(0).fields;
    EXPECT_EQ(f.summary, "A, B; C");
    EXPECT_EQ(f.description, "line1\nline2");
    EXPECT_EQ(f.location, "Hall, Paris");
}

TEST(ParseCalendar, MissingUidIsExplainedAndMissingStartKeptForCancel) {
    const auto no_uid =
        parse_calendar(cal("BEGIN:VEVENT\r\nDTSTART:20300601T100000Z\r\nEND:VEVENT\r\n"));
    EXPECT_TRUE(no_uid.calendar.events.empty());
    ASSERT_FALSE(no_uid.warnings.empty());
    EXPECT_NE(no_uid.warnings[0].find("without UID"), std::string::npos);
    const auto no_start = parse_calendar(cal(vevent("STATUS:CANCELLED\r\n"), "CANCEL"));
    ASSERT_EQ(no_start.calendar.events.size(), 1u);
    EXPECT_TRUE(no_start.calendar.events[0].fields.start.local.empty());
}

TEST(ParseCalendar, OtherAndNonStandardComponentsAreNamed) {
    // Found by the intake fuzzer: an X- component has no libical name.
    const auto r = parse_calendar(
        cal("BEGIN:VTODO\r\nUID:t\r\nEND:VTODO\r\nBEGIN:X-THING\r\nEND:X-THING\r\n"));
    EXPECT_TRUE(r.calendar.events.empty());
    ASSERT_EQ(r.calendar.other_components.size(), 2u);
    EXPECT_EQ(r.calendar.other_components[0], "VTODO");
    EXPECT_FALSE(r.calendar.other_components[1].empty());
    const auto bare = parse_calendar("BEGIN:X-THING\r\nEND:X-THING\r\n");
    EXPECT_FALSE(bare.error.empty());
}

TEST(ParseCalendar, UnknownZoneWithoutDefinitionIsFloatingWithWarning) {
    const auto r = parse_calendar(cal(vevent("DTSTART;TZID=Nowhere/Special:20300601T100000\r\n")));
    const auto& e = r.calendar.events.at(0);
    EXPECT_TRUE(e.fields.start.floating);
    ASSERT_FALSE(r.warnings.empty());
    EXPECT_NE(r.warnings[0].find("Nowhere/Special"), std::string::npos);
}

TEST(ParseCalendar, GarbageGivesAnErrorNotACrash) {
    for (const std::string& text :
         {std::string(), std::string("hello"), std::string("BEGIN:VCALENDAR\r\n"),
          std::string("\0\0\0\0", 4), std::string(100000, 'A')})
        EXPECT_NO_THROW(parse_calendar(text));
}

}  // namespace
}  // namespace cis::ical
