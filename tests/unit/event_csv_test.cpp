// The CSV of events of the batch import (services/event_csv): times in zones, UTC,
// offsets and dates; stable derived UIDs; every bad row refused with its reason.
#include <gtest/gtest.h>

#include <map>

#include "core/time.hpp"
#include "services/import_file.hpp"

namespace cis {
namespace {

using services::read_csv_import;

constexpr std::int64_t kNow = 1900000000;
const std::string kHeader = "summary,start,end,timezone,location,description,uid\r\n";

services::ImportFile read(const std::string& rows) {
    return read_csv_import(kHeader + rows, "test.csv", kNow);
}

TEST(EventCsv, LocalTimesFollowTheZoneAcrossDaylightSaving) {
    const auto f = read(
        "Summer,2030-07-04 19:05,2030-07-04 22:00,America/New_York,,,\n"
        "Winter,2030-12-04T19:05:00,2030-12-04T22:00:00,America/New_York,,,\n");
    ASSERT_TRUE(f.error.empty()) << f.error;
    ASSERT_TRUE(f.problems.empty());
    ASSERT_EQ(f.calendar.events.size(), 2u);
    const auto& summer = f.calendar.events[0].fields;
    EXPECT_EQ(to_rfc3339(summer.start), "2030-07-04T19:05:00-04:00");
    EXPECT_EQ(summer.start.local, "20300704T190500");
    EXPECT_EQ(summer.timezone, "America/New_York");
    EXPECT_EQ(summer.end.utc - summer.start.utc, 2 * 3600 + 55 * 60);
    EXPECT_EQ(to_rfc3339(f.calendar.events[1].fields.start), "2030-12-04T19:05:00-05:00");
    EXPECT_EQ(f.calendar.events[0].version.dtstamp, kNow);
    EXPECT_EQ(f.calendar.events[0].last_end, summer.end.utc);
}

TEST(EventCsv, UtcOffsetsAndAllDayDates) {
    const auto f = read(
        "Utc,2030-04-03T13:00:00Z,2030-04-03T16:00Z,,,,\n"
        "Offset,2030-04-03T13:00:00+02:00,,,,,\n"
        "Fair,2030-04-05,2030-04-06,,,,\n"
        "Day,2030-04-07,,,,,\n");
    ASSERT_TRUE(f.problems.empty()) << f.problems.front().reason;
    const auto& e = f.calendar.events;
    EXPECT_EQ(e[0].fields.start.local, "20300403T130000Z");
    EXPECT_EQ(e[0].fields.timezone, "");
    EXPECT_EQ(e[1].fields.start.utc, e[0].fields.start.utc - 2 * 3600);
    EXPECT_EQ(e[1].fields.end, e[1].fields.start) << "no end: an instant (RFC 5545)";
    EXPECT_TRUE(e[2].fields.all_day);
    EXPECT_EQ(e[2].fields.start.local, "20300405");
    EXPECT_EQ(e[2].fields.end.local, "20300407") << "the end date is inclusive in the file";
    EXPECT_EQ(e[3].fields.end.local, "20300408");
}

TEST(EventCsv, QuotedCellsAndGivenUids) {
    const auto f = read(
        "\"Final, \"\"big\"\" one\",2030-05-01 18:00,2030-05-01 20:00,Europe/Paris,"
        "\"Stade, Nord\",\"line 1\nline 2\",final-1\n");
    ASSERT_EQ(f.calendar.events.size(), 1u);
    const auto& ev = f.calendar.events[0];
    EXPECT_EQ(ev.uid, "final-1");
    EXPECT_EQ(ev.fields.summary, "Final, \"big\" one");
    EXPECT_EQ(ev.fields.location, "Stade, Nord");
    EXPECT_EQ(ev.fields.description, "line 1\nline 2");
}

TEST(EventCsv, DerivedUidsAreStableAndDistinct) {
    const std::string rows =
        "A,2030-05-01 18:00,,Europe/Paris,,,\nB,2030-05-01 18:00,,Europe/Paris,,,\n";
    const auto first = read(rows), again = read(rows);
    ASSERT_EQ(first.calendar.events.size(), 2u);
    EXPECT_EQ(first.calendar.events[0].uid, again.calendar.events[0].uid);
    EXPECT_NE(first.calendar.events[0].uid, first.calendar.events[1].uid);
    EXPECT_EQ(first.calendar.events[0].uid.rfind("csv-", 0), 0u);
    // A changed location keeps the UID: a re-import updates the event.
    const auto moved = read("A,2030-05-01 18:00,,Europe/Paris,Elsewhere,,\n");
    EXPECT_EQ(moved.calendar.events[0].uid, first.calendar.events[0].uid);
}

TEST(EventCsv, BadRowsAreRefusedWithReasonsAndTheOthersKept) {
    const auto f = read(
        "Good,2030-05-01 18:00,2030-05-01 20:00,Europe/Paris,,,\n"
        "Bad date,2030-02-30 19:00,,Europe/Paris,,,\n"
        "Bad zone,2030-05-01 18:00,,Mars/Olympus,,,\n"
        "Backwards,2030-05-01 18:00,2030-05-01 17:00,Europe/Paris,,,\n"
        "No zone,2030-05-01 18:00,,,,,\n"
        ",2030-05-01 18:00,,Europe/Paris,,,\n"
        "Mixed,2030-05-01,2030-05-01 20:00,,,,\n"
        "Twice,2030-05-02 18:00,,Europe/Paris,,,x\n"
        "Twice again,2030-05-03 18:00,,Europe/Paris,,,x\n"
        "Good,2030-05-01 18:00,2030-05-01 21:00,Europe/Paris,,,\n"
        "\"broken,2030-05-01,,,,,\n");
    ASSERT_EQ(f.calendar.events.size(), 2u);
    std::map<std::string, std::string> why;
    for (const auto& p : f.problems) why[p.key] = p.reason;
    EXPECT_NE(why["row 3"].find("is not a date"), std::string::npos);
    EXPECT_NE(why["row 4"].find("unknown time zone \"Mars/Olympus\""), std::string::npos);
    EXPECT_NE(why["row 5"].find("is before start"), std::string::npos);
    EXPECT_NE(why["row 6"].find("timezone column is empty"), std::string::npos);
    EXPECT_NE(why["row 7"].find("summary is empty"), std::string::npos);
    EXPECT_NE(why["row 8"].find("like start"), std::string::npos);
    EXPECT_NE(why["row 10"].find("already used by row 9"), std::string::npos);
    EXPECT_NE(why["row 11"].find("same summary and start as row 2"), std::string::npos);
    EXPECT_EQ(why.count("row 12"), 1u) << "an unreadable CSV record";
    EXPECT_EQ(f.problems.size(), 9u);
}

TEST(EventCsv, FilesRefusedAsAWhole) {
    EXPECT_NE(read_csv_import("", "x.csv", kNow).error.find("is empty"), std::string::npos);
    EXPECT_NE(read_csv_import("title,when\nA,B\n", "x.csv", kNow).error.find("\"summary\""),
              std::string::npos);
    EXPECT_NE(read_csv_import(kHeader, "x.csv", kNow).error.find("no events"), std::string::npos);
    const auto bom =
        read_csv_import("\xEF\xBB\xBF" + kHeader + "A,2030-05-01,,,,,\n", "x.csv", kNow);
    EXPECT_TRUE(bom.error.empty()) << bom.error;
    EXPECT_EQ(bom.calendar.events.size(), 1u);
}

}  // namespace
}  // namespace cis
