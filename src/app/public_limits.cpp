#include "app/public_limits.hpp"

#include <boost/asio/ip/address.hpp>
#include <cctype>

#include "core/text.hpp"
#include "pages/layout.hpp"

namespace cis::app {

namespace {

std::string trimmed(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return std::string(s);
}

// "127.0.0.1:5555" → "127.0.0.1", "[::1]:5555" → "::1"; a bare address stays as it is.
std::string host_of(std::string_view peer) {
    if (peer.starts_with('[')) {
        const auto close = peer.find(']');
        return std::string(peer.substr(1, close == std::string_view::npos ? 0 : close - 1));
    }
    const auto colon = peer.rfind(':');
    if (colon != std::string_view::npos && peer.find(':') == colon)
        return std::string(peer.substr(0, colon));
    return std::string(peer);
}

std::string key_of(const std::string& host) {
    boost::system::error_code ec;
    auto addr = boost::asio::ip::make_address(host, ec);
    if (ec) return host;  // not an address (a proxy's odd header): keyed as it is
    if (addr.is_v6() && addr.to_v6().is_v4_mapped())
        addr = boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, addr.to_v6());
    if (addr.is_v4()) return addr.to_string();
    auto bytes = addr.to_v6().to_bytes();
    std::fill(bytes.begin() + 8, bytes.end(), 0);
    return boost::asio::ip::address_v6(bytes).to_string() + "/64";
}

}  // namespace

std::string client_ip_key(const http::Request& req, const PageLimits& limits) {
    if (!limits.client_ip_header.empty()) {
        const std::string forwarded = req.header(limits.client_ip_header);
        if (!forwarded.empty()) {
            const auto comma = forwarded.rfind(',');
            const std::string last =
                trimmed(comma == std::string::npos ? forwarded : forwarded.substr(comma + 1));
            if (!last.empty()) return key_of(host_of(last));
        }
    }
    return key_of(host_of(req.remote));
}

LimitVerdict check_send_limits(ApiContext& ctx, const http::Request& req, const std::string& email,
                               std::int64_t now) {
    if (ctx.ip_limiter)
        if (auto wait = ctx.ip_limiter->hit(client_ip_key(req, ctx.pages), now))
            return {wait, "ip"};
    if (ctx.recipient_limiter)
        if (auto wait = ctx.recipient_limiter->hit(email, now)) return {wait, "recipient"};
    return {};
}

bool same_site_post(const ApiContext& ctx, const http::Request& req) {
    const std::string origin = ascii_lower(req.header("Origin"));
    if (origin.empty()) return true;
    if (origin == "null") return ascii_lower(req.header("Sec-Fetch-Site")) == "same-origin";
    if (origin == ascii_lower(pages::origin_of(ctx.public_url))) return true;
    const std::string host = ascii_lower(req.header("Host"));
    return !host.empty() && (origin == "http://" + host || origin == "https://" + host);
}

}  // namespace cis::app
