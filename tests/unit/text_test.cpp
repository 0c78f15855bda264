// The shared ASCII helpers (core/text) and If-None-Match matching (http/message): protocol
// tokens compare without ASCII case, never touching other bytes.
#include <gtest/gtest.h>

#include "core/text.hpp"
#include "http/message.hpp"

namespace cis {
namespace {

TEST(Text, LowerCasesAsciiOnly) {
    EXPECT_EQ(ascii_lower("Fan@Example.ORG"), "fan@example.org");
    EXPECT_EQ(ascii_lower("ÄÖ Ü"), "ÄÖ Ü");  // bytes of other scripts are left alone
    EXPECT_TRUE(starts_with_nocase("HTTPS://club.example", "https://"));
    EXPECT_FALSE(starts_with_nocase("http:", "https://"));
}

TEST(Text, MediaTypeDropsParametersAndBlanks) {
    EXPECT_EQ(media_type("Text/CSV ; charset=utf-8"), "text/csv");
    EXPECT_EQ(media_type("application/json"), "application/json");
    EXPECT_EQ(media_type(""), "");
}

TEST(Text, PercentEncodesWhatTheCallerDoesNotKeep) {
    const auto letters = [](unsigned char c) { return c >= 'a' && c <= 'z'; };
    EXPECT_EQ(percent_encode("ab c\"é", letters), "ab%20c%22%C3%A9");
}

TEST(EtagMatches, ListsWeakTagsAndStar) {
    EXPECT_TRUE(http::etag_matches("\"abc\"", "\"abc\""));
    EXPECT_TRUE(http::etag_matches("\"x\", W/\"abc\"", "\"abc\""));
    EXPECT_TRUE(http::etag_matches("*", "\"abc\""));
    EXPECT_FALSE(http::etag_matches("\"abcd\"", "\"abc\""));
    EXPECT_FALSE(http::etag_matches("", "\"abc\""));
}

}  // namespace
}  // namespace cis
