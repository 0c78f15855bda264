// Paging cursors (services/cursor) and the masking of attendees (services/masking).
#include <gtest/gtest.h>

#include "services/cursor.hpp"
#include "services/masking.hpp"

namespace cis::services {
namespace {

TEST(Cursor, RoundTripsAnyKeyAndIsUrlSafe) {
    for (const std::string& key : {std::string("1"), std::string("12345678901"), std::string("ab"),
                                   std::string("abc"), std::string("\xff\xfe\x00z", 4)}) {
        const auto c = encode_cursor("events", key);
        EXPECT_EQ(c.find_first_of("+/=%&?# "), std::string::npos) << c;
        EXPECT_EQ(decode_cursor("events", c), key);
    }
}

TEST(Cursor, RefusesOtherListingsAndDamagedText) {
    const auto c = encode_cursor("events", "42");
    EXPECT_EQ(decode_cursor("attendees", c), std::nullopt);
    EXPECT_EQ(decode_cursor("event", c), std::nullopt);  // a prefix of the listing name
    for (std::string bad :
         {"", "x", "!!!!", "ZXZlbnRz", "ZXZlbnRzOjQy=", "ZXZlbnRz+jQy", "ZXZl bnRz"})
        EXPECT_EQ(decode_cursor("events", bad), std::nullopt) << bad;
    EXPECT_EQ(decode_cursor("events", "ZXZlbnRzOjQy"), "42");
}

TEST(Base64Url, MatchesRfc4648Vectors) {
    EXPECT_EQ(base64url_encode(""), "");
    EXPECT_EQ(base64url_encode("f"), "Zg");
    EXPECT_EQ(base64url_encode("fo"), "Zm8");
    EXPECT_EQ(base64url_encode("foobar"), "Zm9vYmFy");
    EXPECT_EQ(base64url_encode("\xfb\xff"), "-_8");
    EXPECT_EQ(base64url_decode("-_8"), "\xfb\xff");
    EXPECT_EQ(base64url_decode("Zm9vYg"), "foob");
    EXPECT_EQ(base64url_decode("Zm9vY"), std::nullopt);  // 4n+1 characters never occur
    EXPECT_EQ(base64url_decode("Zh"), std::nullopt);     // "f" is spelt "Zg": unused bits set
}

TEST(Masking, KeepsFirstCharacterAndDomain) {
    EXPECT_EQ(mask_email("jonathan@example.com"), "j*******@example.com");
    EXPECT_EQ(mask_email("a@example.com"), "*@example.com");
    EXPECT_EQ(mask_email("\xc3\xa9mile@example.fr"), "\xc3\xa9****@example.fr");  // é
    EXPECT_EQ(mask_email("odd\"@\"local@example.org"), "o**********@example.org");
    EXPECT_EQ(mask_email("no-at-sign"), "n*********");
    EXPECT_EQ(mask_email(""), "");
}

TEST(Masking, MasksEachWordOfAName) {
    EXPECT_EQ(mask_name("John Smith"), "J*** S****");
    EXPECT_EQ(mask_name("Anna  de Vries"), "A***  d* V****");
    EXPECT_EQ(mask_name("\xc3\x96zlem"), "\xc3\x96****");
    EXPECT_EQ(mask_name(""), "");
    EXPECT_EQ(mask_name("\xff\xfe"), "\xff*");  // stray bytes advance one at a time
}

}  // namespace
}  // namespace cis::services
