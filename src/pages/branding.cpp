#include "pages/branding.hpp"

#include "core/text.hpp"

namespace cis::pages {

namespace {

bool starts_with_scheme(std::string_view url) {
    return starts_with_nocase(url, "https://") || starts_with_nocase(url, "http://");
}

// Kept in a CSS url("…"): printable ASCII but what could end the string or the url().
bool css_plain(unsigned char c) {
    return c > 0x20 && c < 0x7f && c != '"' && c != '\'' && c != '\\' && c != '(' && c != ')' &&
           c != '<' && c != '>';
}

}  // namespace

std::string safe_http_url(std::string_view url) {
    if (!starts_with_scheme(url)) return "";
    for (unsigned char c : url)
        if (c < 0x20 || c == 0x7f || c == ' ') return "";
    return std::string(url);
}

std::string css_url(std::string_view url) {
    if (!starts_with_scheme(url)) return "";
    return percent_encode(url, css_plain);
}

std::string css_colour(std::string_view accent) {
    if (accent.size() != 4 && accent.size() != 7) return "";
    if (accent.front() != '#') return "";
    for (unsigned char c : accent.substr(1))
        if (!std::isxdigit(c)) return "";
    return std::string(accent);
}

std::string branding_style(const Branding& b) {
    std::string style;
    if (const auto colour = css_colour(b.accent); !colour.empty())
        style += ":root{--accent:" + colour + "}";
    if (const auto url = css_url(b.background_url); !url.empty())
        style += "body{background-image:url(\"" + url +
                 "\");background-size:cover;background-attachment:fixed}";
    return style;
}

}  // namespace cis::pages
