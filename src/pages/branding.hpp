#pragma once
// A page's branding as CSS (issue 6): the accent colour and background image go into a
// small per-page <style> that the page's Content-Security-Policy allows by its hash. The
// stored values passed the API's checks, but a style block is a second language inside
// HTML: what reaches it here is made safe on its own, whatever the database holds.
#include <string>
#include <string_view>

namespace cis::pages {

struct Branding {
    std::string title;           // shown as the <h1>; a default when empty
    std::string logo_url;        // <img class="logo">; http(s) only
    std::string background_url;  // CSS background image; http(s) only
    std::string accent;          // "#rgb" / "#rrggbb"; anything else is ignored
};

// The URL as a CSS string token body: http(s) only ("" otherwise), with every character
// that could end the string or the url() — " ' \ ( ) < > — spaces, controls and non-ASCII
// percent-encoded. Browsers decode the escapes when they fetch, so valid URLs still work.
std::string css_url(std::string_view url);

// The colour if it is "#rgb" or "#rrggbb" (hex digits), else "".
std::string css_colour(std::string_view accent);

// The URL if it is http(s) and holds no control characters, else "" (for <img src>; the
// caller still escapes it as an attribute).
std::string safe_http_url(std::string_view url);

// The per-page style text: "" when the page has neither an accent nor a background.
std::string branding_style(const Branding& b);

}  // namespace cis::pages
