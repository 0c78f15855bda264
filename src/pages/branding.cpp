#include "pages/branding.hpp"

#include <cctype>

namespace cis::pages {

namespace {

bool starts_with_scheme(std::string_view url) {
    const auto lower_prefix = [&](std::string_view p) {
        if (url.size() < p.size()) return false;
        for (std::size_t i = 0; i < p.size(); ++i)
            if (std::tolower(static_cast<unsigned char>(url[i])) != p[i]) return false;
        return true;
    };
    return lower_prefix("https://") || lower_prefix("http://");
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
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(url.size() + 8);
    for (unsigned char c : url) {
        const bool plain = c > 0x20 && c < 0x7f && c != '"' && c != '\'' && c != '\\' && c != '(' &&
                           c != ')' && c != '<' && c != '>';
        if (plain) {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += kHex[c >> 4];
            out += kHex[c & 15];
        }
    }
    return out;
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
