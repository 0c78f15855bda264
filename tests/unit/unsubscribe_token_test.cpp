// One-click unsubscribe tokens: stable (links already mailed must keep working), and
// nothing but the token made for an invitee verifies as that invitee.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

#include "services/invites.hpp"
#include "services/masking.hpp"
#include "services/unsubscribe.hpp"

using cis::services::bounce_token;
using cis::services::invitee_of_unsubscribe_token;
using cis::services::unsubscribe_token;

namespace {

constexpr const char* kKey = "test-key";

TEST(UnsubscribeToken, KnownValue) {
    // Python: "42-" + hmac.new(b"test-key", b"unsubscribe:42", sha256).hexdigest()[:16]
    EXPECT_EQ(unsubscribe_token(kKey, 42), "42-042a97c33f3a84f8");
}

TEST(UnsubscribeToken, RoundTrips) {
    for (std::int64_t id : {std::int64_t{1}, std::int64_t{42}, std::int64_t{1} << 40,
                            std::numeric_limits<std::int64_t>::max()}) {
        const auto back = invitee_of_unsubscribe_token(kKey, unsubscribe_token(kKey, id));
        ASSERT_TRUE(back) << id;
        EXPECT_EQ(*back, id);
    }
}

TEST(UnsubscribeToken, TamperedSignatureIsRefused) {
    const std::string token = unsubscribe_token(kKey, 42);
    for (std::size_t i = token.find('-') + 1; i < token.size(); ++i) {
        std::string t = token;
        t[i] = t[i] == '0' ? '1' : '0';
        EXPECT_FALSE(invitee_of_unsubscribe_token(kKey, t)) << t;
    }
    std::string upper = token;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    EXPECT_FALSE(invitee_of_unsubscribe_token(kKey, upper));
}

TEST(UnsubscribeToken, TruncatedOrExtendedIsRefused) {
    const std::string token = unsubscribe_token(kKey, 42);
    for (std::size_t n = 0; n < token.size(); ++n)
        EXPECT_FALSE(invitee_of_unsubscribe_token(kKey, token.substr(0, n))) << n;
    EXPECT_FALSE(invitee_of_unsubscribe_token(kKey, token + "0"));
    EXPECT_FALSE(invitee_of_unsubscribe_token(kKey, token + "\n"));
    EXPECT_FALSE(invitee_of_unsubscribe_token(kKey, " " + token));
}

TEST(UnsubscribeToken, AnotherInviteesIdWithThisSignatureIsRefused) {
    const std::string token = unsubscribe_token(kKey, 42);
    const std::string sig = token.substr(token.find('-'));
    for (const char* id : {"43", "41", "420", "4", "042", "+42", "-42", "4a"})
        EXPECT_FALSE(invitee_of_unsubscribe_token(kKey, id + sig)) << id;
}

TEST(UnsubscribeToken, AnotherKeysTokenIsRefused) {
    EXPECT_FALSE(invitee_of_unsubscribe_token(kKey, unsubscribe_token("other-key", 42)));
    EXPECT_FALSE(invitee_of_unsubscribe_token("", unsubscribe_token(kKey, 42)));
}

TEST(UnsubscribeToken, BounceTokensAreNotUnsubscribeTokens) {
    // Same key and shape, another purpose: the signed text is prefixed by it.
    EXPECT_FALSE(invitee_of_unsubscribe_token(kKey, bounce_token(kKey, 42)));
}

TEST(UnsubscribeToken, MalformedIsRefused) {
    for (const char* t : {"", "-", "42", "42-", "-042a97c33f3a84f8", "x-042a97c33f3a84f8",
                          "99999999999999999999-042a97c33f3a84f8", "42--042a97c33f3a84f8"})
        EXPECT_FALSE(invitee_of_unsubscribe_token(kKey, t)) << t;
}

TEST(MaskAddress, KeepsFirstCharacterAndDomain) {
    EXPECT_EQ(cis::services::mask_email("johndoe@example.com"), "j******@example.com");
    EXPECT_EQ(cis::services::mask_email("ab@example.com"), "a*@example.com");
    EXPECT_EQ(cis::services::mask_email("a@example.com"), "*@example.com");
    EXPECT_EQ(cis::services::mask_email("zoë.ünïcode@bücher.de"), "z**********@bücher.de");
    EXPECT_EQ(cis::services::mask_email("élan@x.test"), "é***@x.test");
    EXPECT_EQ(cis::services::mask_email("\"a@b\"@x.test"), "\"****@x.test");
    EXPECT_EQ(cis::services::mask_email("nodomain"), "n*******");
}

}  // namespace
