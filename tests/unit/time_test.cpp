#include <gtest/gtest.h>

#include "core/address.hpp"
#include "core/time.hpp"

namespace cis {
namespace {

TEST(Time, CivilRoundTrip) {
    for (std::int64_t t : {0LL, 951782400LL, 1700000000LL, -86400LL * 365 * 400, 4102444800LL}) {
        EXPECT_EQ(civil_to_epoch(epoch_to_civil(t)), t);
    }
    EXPECT_EQ(civil_to_epoch(CivilTime{2000, 2, 29, 12, 0, 0}), 951825600);
}

TEST(Time, ParsesIcalendarBasicForms) {
    bool date = false, utc = false;
    auto t = parse_basic("20240501T100000Z", &date, &utc);
    ASSERT_TRUE(t);
    EXPECT_TRUE(utc);
    EXPECT_FALSE(date);
    EXPECT_EQ(civil_to_epoch(*t), 1714557600);
    ASSERT_TRUE(parse_basic("20240501", &date, &utc));
    EXPECT_TRUE(date);
    EXPECT_FALSE(parse_basic("2024-05-01"));
    EXPECT_FALSE(parse_basic("20241301T000000"));
    EXPECT_FALSE(parse_basic("20240501T250000"));
    EXPECT_FALSE(parse_basic(""));
}

TEST(Time, Rfc3339CarriesTheWallClockOffset) {
    // 10:00 in Berlin summer time is 08:00 UTC.
    CalTime berlin{1714550400, "20240501T100000", false, false};
    EXPECT_EQ(to_rfc3339(berlin), "2024-05-01T10:00:00+02:00");
    CalTime ny{1714572000, "20240501T100000", false, false};  // 14:00Z
    EXPECT_EQ(to_rfc3339(ny), "2024-05-01T10:00:00-04:00");
    CalTime utc{1714557600, "20240501T100000Z", false, false};
    EXPECT_EQ(to_rfc3339(utc), "2024-05-01T10:00:00Z");
    CalTime date{1714521600, "20240501", true, false};
    EXPECT_EQ(to_rfc3339(date), "2024-05-01");
    CalTime india{1714536000, "20240501T093000", false, false};  // 04:00Z, +05:30
    EXPECT_EQ(to_rfc3339(india), "2024-05-01T09:30:00+05:30");
}

TEST(Time, ParsesRfc3339) {
    EXPECT_EQ(parse_rfc3339("2024-05-01T10:00:00+02:00"), 1714550400);
    EXPECT_EQ(parse_rfc3339("2024-05-01T08:00:00Z"), 1714550400);
    EXPECT_EQ(parse_rfc3339("2024-05-01T08:00:00.123Z"), 1714550400);
    EXPECT_EQ(parse_rfc3339("2024-05-01"), 1714521600);
    EXPECT_FALSE(parse_rfc3339("2024-05-01T08:00"));
    EXPECT_FALSE(parse_rfc3339("yesterday"));
}

TEST(Address, Normalises) {
    EXPECT_EQ(normalize_address(" MAILTO:Alice@Example.COM "), "alice@example.com");
    EXPECT_EQ(normalize_address("<bob@example.org>"), "bob@example.org");
    EXPECT_EQ(normalize_address("not an address"), "");
    EXPECT_EQ(normalize_address("@example.org"), "");
    EXPECT_EQ(normalize_address("a@"), "");
    std::string detail;
    EXPECT_EQ(base_local_part("Create+S3cret", &detail), "create");
    EXPECT_EQ(detail, "S3cret");
}

TEST(Address, RelaxedAlignment) {
    EXPECT_TRUE(domains_aligned("example.com", "example.com"));
    EXPECT_TRUE(domains_aligned("mail.example.com", "example.com"));
    EXPECT_TRUE(domains_aligned("example.com", "mail.example.com"));
    EXPECT_FALSE(domains_aligned("example.com", "example.org"));
    EXPECT_FALSE(domains_aligned("badexample.com", "example.com"));
    EXPECT_FALSE(domains_aligned("example.com", "com")) << "a bare TLD is no parent";
}

}  // namespace
}  // namespace cis
