// VTIMEZONEs of outgoing calendars: for every zone ICU knows, the generated text, read
// back by libical, gives ICU's UTC offsets around the event's year.
#include <gtest/gtest.h>
#include <unicode/basictz.h>
#include <unicode/timezone.h>

#include <memory>

#include "ical/tz_catalog.hpp"
#include "ical/tz_transitions.hpp"
#include "ical/tz_vtimezone.hpp"
#include "imip/zone_text.hpp"

using namespace cis;

namespace {

std::int64_t mismatch_seconds(const std::string& id, const std::string& text, int year) {
    const auto parsed = ical::tz::VTimezone::parse(text, false);
    if (!parsed) return -1;
    const auto zone = ical::tz::create_zone(id);
    const std::int64_t start = ical::tz::year_start(year), end = ical::tz::year_start(year + 2);
    const auto want = ical::tz::sample_transitions(
        [&](std::int64_t t) {
            std::int32_t raw = 0, dst = 0;
            UErrorCode status = U_ZERO_ERROR;
            zone->getOffset(t * 1000.0, false, raw, dst, status);
            return (raw + dst) / 1000;
        },
        start, end);
    return ical::tz::mismatch(parsed->transitions(start, end), want, start, end);
}

}  // namespace

TEST(Vtimezone, CommonZonesGetOnePairOfYearlyRulesFrom1970) {
    auto z = imip::generate_vtimezone("Europe/Berlin", 2024);
    ASSERT_TRUE(z);
    EXPECT_EQ(z->writer, "rules");
    EXPECT_EQ(z->text,
              "BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\n"
              "BEGIN:DAYLIGHT\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nTZNAME:CEST\r\n"
              "DTSTART:19700329T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\n"
              "END:DAYLIGHT\r\n"
              "BEGIN:STANDARD\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nTZNAME:CET\r\n"
              "DTSTART:19701025T030000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\n"
              "END:STANDARD\r\nEND:VTIMEZONE\r\n");
    for (const char* id : {"America/New_York", "Europe/London", "Australia/Sydney",
                           "America/Los_Angeles", "Pacific/Auckland"}) {
        auto zone = imip::generate_vtimezone(id, 2024);
        ASSERT_TRUE(zone) << id;
        EXPECT_EQ(zone->writer, "rules") << id;
    }
}

TEST(Vtimezone, ZonesWithoutDaylightTimeHaveOneObservance) {
    auto z = imip::generate_vtimezone("Asia/Kolkata", 2024);
    ASSERT_TRUE(z);
    EXPECT_EQ(z->text,
              "BEGIN:VTIMEZONE\r\nTZID:Asia/Kolkata\r\nBEGIN:STANDARD\r\nTZOFFSETFROM:+0530\r\n"
              "TZOFFSETTO:+0530\r\nDTSTART:19700101T000000\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n");
}

TEST(Vtimezone, UnknownZone) {
    EXPECT_FALSE(imip::generate_vtimezone("Mars/Olympus_Mons", 2024));
    EXPECT_EQ(imip::vtimezone_for("Mars/Olympus_Mons", 2024), nullptr);
}

TEST(Vtimezone, CachedPerZoneAndYear) {
    auto a = imip::vtimezone_for("Europe/Paris", 2025);
    auto b = imip::vtimezone_for("Europe/Paris", 2025);
    ASSERT_TRUE(a);
    EXPECT_EQ(a.get(), b.get());
}

// Every canonical zone, in a past, present and future year: offsets agree exactly
// (irregular zones such as Africa/Casablanca come from ICU's transition writer).
TEST(Vtimezone, EveryZoneAgreesWithIcu) {
    const auto& catalog = ical::tz::Catalog::get();
    int checked = 0;
    for (std::size_t i = 0; i < catalog.size(); ++i) {
        const std::string& id = catalog.id(i);
        for (int year : {2019, 2025, 2031}) {
            auto z = imip::generate_vtimezone(id, year);
            ASSERT_TRUE(z) << id;
            EXPECT_EQ(mismatch_seconds(id, z->text, year), 0) << id << " " << year << "\n"
                                                              << z->text;
            for (std::size_t pos = 0; pos < z->text.size();) {
                const auto end = z->text.find("\r\n", pos);
                ASSERT_NE(end, std::string::npos);
                EXPECT_LE(end - pos, 75u);
                pos = end + 2;
            }
            ++checked;
        }
    }
    EXPECT_GT(checked, 1000);
}
