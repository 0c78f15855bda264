// The landing URL allow-list (no open redirect): one normal form for entries and
// candidates; a candidate is allowed only at an entry's origin and under its path.
#include <gtest/gtest.h>

#include "services/landing_urls.hpp"

namespace cis::services {
namespace {

std::string norm(std::string_view url) {
    std::string error;
    auto n = normalise_landing_url(url, &error);
    return n ? *n : "error: " + error;
}

TEST(LandingUrls, NormalFormLowersSchemeAndHostAndDropsDefaultPortsAndFragments) {
    EXPECT_EQ(norm("HTTPS://Club.Example:443/Thanks?x=1#top"), "https://club.example/Thanks?x=1");
    EXPECT_EQ(norm("http://club.example:80"), "http://club.example/");
    EXPECT_EQ(norm("http://127.0.0.1:8081/done"), "http://127.0.0.1:8081/done");
    EXPECT_EQ(norm("https://club.example?x=1"), "https://club.example/?x=1");
    EXPECT_EQ(norm("https://[2001:db8::1]:8443/a"), "https://[2001:db8::1]:8443/a");
}

TEST(LandingUrls, RefusesWhatBrowsersAndServersReadDifferently) {
    for (const char* bad :
         {"javascript:alert(1)", "//evil.example/", "ftp://club.example/", "https://",
          "https://club.example@evil.example/", "https://user:pw@club.example/",
          "https://club.example\\@evil.example/", "https://club.example/a b",
          "https://club.example/\"><script>", "https://club.example:99999/",
          "https://club.example:x/", "https://2001:db8::1/", "https://:443/", "",
          "https://club.example/fans/../admin", "https://club.example/fans/%2E%2e/admin",
          "https://club.example/./fans", "https://bücher.example/"}) {
        EXPECT_EQ(norm(bad).rfind("error: ", 0), 0u) << bad << " → " << norm(bad);
    }
}

TEST(LandingUrls, AllowsOnlyTheEntrysOriginAndPathsUnderIt) {
    const std::vector<std::string> list = {"https://club.example/fans", "https://shop.example/"};
    for (const char* ok : {"https://club.example/fans", "https://CLUB.example:443/fans/thanks",
                           "https://club.example/fans?from=cta", "https://shop.example/",
                           "https://shop.example", "https://shop.example/any/where#x"})
        EXPECT_TRUE(landing_url_allowed(list, ok)) << ok;
    for (const char* refused :
         {"https://club.example/fansite", "https://club.example/", "http://club.example/fans",
          "https://club.example:8443/fans", "https://club.example.evil.example/fans",
          "https://evil.example/?https://shop.example/", "https://club.example@shop.example/",
          "not a url"})
        EXPECT_FALSE(landing_url_allowed(list, refused)) << refused;
    EXPECT_FALSE(landing_url_allowed({}, "https://club.example/fans"));
}

}  // namespace
}  // namespace cis::services
