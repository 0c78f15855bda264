// The client address public sends are limited by: the peer, IPv6 by its /64, and behind a
// reverse proxy the last address of the configured header (the one the proxy added).
#include <gtest/gtest.h>

#include "app/public_limits.hpp"

namespace cis::app {
namespace {

http::Request from(std::string remote, std::string forwarded = "") {
    http::Request r;
    r.remote = std::move(remote);
    if (!forwarded.empty()) r.headers.emplace_back("X-Forwarded-For", std::move(forwarded));
    return r;
}

TEST(PublicLimits, ThePeerIsTheClientUnlessAProxyHeaderIsConfigured) {
    PageLimits direct;
    EXPECT_EQ(client_ip_key(from("203.0.113.9:5555"), direct), "203.0.113.9");
    EXPECT_EQ(client_ip_key(from("203.0.113.9:5555", "198.51.100.1"), direct), "203.0.113.9");
    PageLimits proxied{100, "X-Forwarded-For"};
    EXPECT_EQ(client_ip_key(from("127.0.0.1:5555", "6.6.6.6, 198.51.100.1 "), proxied),
              "198.51.100.1");
    EXPECT_EQ(client_ip_key(from("127.0.0.1:5555"), proxied), "127.0.0.1");
}

TEST(PublicLimits, IPv6ClientsAreKeyedByTheirSlash64) {
    PageLimits direct;
    EXPECT_EQ(client_ip_key(from("[2001:db8:1:2:aaaa::1]:443"), direct), "2001:db8:1:2::/64");
    EXPECT_EQ(client_ip_key(from("[2001:db8:1:2:bbbb::9]:443"), direct), "2001:db8:1:2::/64");
    EXPECT_EQ(client_ip_key(from("[::ffff:192.0.2.7]:443"), direct), "192.0.2.7");
}

}  // namespace
}  // namespace cis::app
