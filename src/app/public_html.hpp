#pragma once
// What every public HTML answer shares (unsubscribe pages, event pages, CTA pages): the
// security headers and the Content-Security-Policy sources of inline styles by hash.
// No API key reaches these pages, so they never embed anything a visitor did not cause.
#include <string>
#include <string_view>

#include "http/message.hpp"

namespace cis::app {

// "'sha256-<base64>'": a CSP source allowing exactly this inline <style> or <script> text.
std::string csp_hash(std::string_view text);

// A text/html; charset=utf-8 answer with `csp` as its Content-Security-Policy and the
// headers every public page carries: nosniff, no framing, no caching, noindex, and the
// referrer policy — "same-origin" for pages whose own forms post back (under no-referrer
// browsers send "Origin: null" with them, which the cross-site check cannot tell apart).
http::Response public_html_response(int status, std::string html, const std::string& csp,
                                    std::string_view referrer_policy = "no-referrer");

// A one-box page (unsubscribe, CTA): the document around `body_html` with its title
// (escaped here), one inline style (allow it by csp_hash) and `head_extra` (a script tag).
std::string small_page_html(std::string_view title, std::string_view style,
                            std::string_view head_extra, std::string_view body_html);

// "webcal://host/p/x/feed.ics" for "https://host/p/x/feed.ics": what calendar apps
// subscribe to.
std::string webcal_url(std::string_view http_url);

}  // namespace cis::app
