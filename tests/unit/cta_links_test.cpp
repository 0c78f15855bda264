// CTA links: each platform's merge tag stays literal in the link (the ESP must find it to
// replace it), origins are cta:<platform>, and an address whose '+' became a space on its
// way through a query string is restored.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "services/cta_links.hpp"
#include "services/invites.hpp"

using namespace cis::services;

TEST(CtaLinks, EveryPlatformHasItsMergeTag) {
    EXPECT_EQ(cta_merge_tag("mailchimp"), "*|EMAIL|*");
    EXPECT_EQ(cta_merge_tag("klaviyo"), "{{ email }}");
    EXPECT_EQ(cta_merge_tag("sendgrid"), "{{email}}");
    EXPECT_EQ(cta_merge_tag("hubspot"), "{{ contact.email }}");
    EXPECT_EQ(cta_merge_tag("generic"), "{email}");
    EXPECT_FALSE(cta_merge_tag("Mailchimp"));
    EXPECT_FALSE(cta_merge_tag(""));
    EXPECT_FALSE(cta_merge_tag("aweber"));
    EXPECT_EQ(cta_platforms().size(), 5u);
    for (auto platform : cta_platforms()) EXPECT_TRUE(cta_merge_tag(platform)) << platform;
}

TEST(CtaLinks, OriginsAreValidInvitationOrigins) {
    for (auto platform : cta_platforms()) {
        const auto origin = cta_origin(platform);
        EXPECT_EQ(origin, "cta:" + std::string(platform));
        EXPECT_TRUE(valid_origin(origin)) << origin;  // request_invite would refuse it else
    }
}

TEST(CtaLinks, UrlKeepsTheMergeTagLiteral) {
    EXPECT_EQ(cta_link_url("https://cis.example", "abc_DEF-12", "mailchimp"),
              "https://cis.example/c/abc_DEF-12?email=*|EMAIL|*");
    EXPECT_EQ(cta_link_url("http://127.0.0.1:8080", "x", "hubspot"),
              "http://127.0.0.1:8080/c/x?email={{ contact.email }}");
}

TEST(CtaLinks, IdsAreShortRandomAndUrlSafe) {
    std::set<std::string> seen;
    for (int i = 0; i < 1000; ++i) {
        const auto id = new_cta_link_id();
        ASSERT_EQ(id.size(), 11u);
        ASSERT_EQ(id.find_first_not_of(
                      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
                  std::string::npos)
            << id;
        ASSERT_NE(id.front(), '-');
        seen.insert(id);
    }
    EXPECT_EQ(seen.size(), 1000u);
}

TEST(CtaLinks, EmailFromQueryRestoresPlus) {
    EXPECT_EQ(cta_email_from_query("ann news@fans.example"), "ann+news@fans.example");
    EXPECT_EQ(cta_email_from_query("a b c@x.example"), "a+b+c@x.example");
    EXPECT_EQ(cta_email_from_query("  ann@fans.example \t"), "ann@fans.example");
    EXPECT_EQ(cta_email_from_query("ann+news@fans.example"), "ann+news@fans.example");
    EXPECT_EQ(cta_email_from_query(""), "");
    EXPECT_EQ(cta_email_from_query("   "), "");
    // A merge tag left unreplaced stays what it is (and then fails the address check).
    EXPECT_EQ(cta_email_from_query("*|EMAIL|*"), "*|EMAIL|*");
}
