#pragma once
// The limits every public send obeys (page sends and CTA posts, SPEC §5): per client IP
// address and per recipient address, answered with 429 and Retry-After by the caller.
#include <cstdint>
#include <string>

#include "app/http_api.hpp"

namespace cis::app {

// The client's address as a limit key: the peer's, or behind a reverse proxy the last
// address of [pages] client_ip_header (the one the proxy itself added). IPv6 clients are
// keyed by their /64, what one subscriber usually holds.
std::string client_ip_key(const http::Request& req, const PageLimits& limits);

struct LimitVerdict {
    std::int64_t retry_after = 0;  // 0: allowed (and counted); else seconds to wait
    std::string which;             // "ip" or "recipient" when refused
};

// Counts one send from this request to `email` (lower-cased) at `now`. The IP is checked
// first; a refused IP counts nothing against the recipient.
LimitVerdict check_send_limits(ApiContext& ctx, const http::Request& req, const std::string& email,
                               std::int64_t now);

// False for a POST another site's page made its visitors' browsers send (CSRF): its
// `Origin` names neither public_url nor the Host asked. No Origin (curl, old browsers):
// true, the limits still apply. "null" (no-referrer and privacy contexts): only with
// `Sec-Fetch-Site: same-origin`.
bool same_site_post(const ApiContext& ctx, const http::Request& req);

}  // namespace cis::app
