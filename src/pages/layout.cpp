#include "pages/layout.hpp"

#include <cctype>

#include "core/text.hpp"
#include "imip/mime_text.hpp"

namespace cis::pages {

using imip::html_escape;

std::string_view title_or(const Branding& b, std::string_view fallback) {
    return b.title.empty() ? fallback : std::string_view(b.title);
}

void open_page(std::string& out, const Branding& b, const Assets& a, std::string_view page_title,
               std::string_view main_attributes, std::string_view body_class) {
    out +=
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<meta name=\"robots\" content=\"noindex\">\n<title>";
    out += html_escape(page_title);
    out += "</title>\n<link rel=\"stylesheet\" href=\"";
    out += html_escape(a.css);
    out += "\">\n";
    if (const auto style = branding_style(b); !style.empty()) {
        out += "<style>";
        out += style;  // made of checked colours and percent-encoded URLs only
        out += "</style>\n";
    }
    if (!a.js.empty()) {
        out += "<script src=\"";
        out += html_escape(a.js);
        out += "\" defer></script>\n";
    }
    out += "</head>\n<body class=\"";
    out += body_class;
    out += "\">\n<header class=\"banner\">\n";
    if (const auto logo = safe_http_url(b.logo_url); !logo.empty()) {
        out += "<img class=\"logo\" src=\"";
        out += html_escape(logo);
        out += "\" alt=\"\">\n";
    }
    out += "<h1>";
    out += html_escape(title_or(b, "Events"));
    out += "</h1>\n</header>\n<main";
    out += main_attributes;
    out += ">\n";
}

void close_page(std::string& out) {
    out += "</main>\n</body>\n</html>\n";
}

std::string origin_of(std::string_view url) {
    std::size_t scheme_end;
    if (starts_with_nocase(url, "https://"))
        scheme_end = 8;
    else if (starts_with_nocase(url, "http://"))
        scheme_end = 7;
    else
        return "";
    const auto end = url.find_first_of("/?#", scheme_end);
    std::string origin(url.substr(0, end));
    // A CSP source must not carry anything that would end it or start another one.
    for (unsigned char c : origin)
        if (c <= 0x20 || c == ';' || c == ',' || c == '\'' || c == '@' || c >= 0x7f) return "";
    return ascii_lower(origin.substr(0, scheme_end)) + origin.substr(scheme_end);
}

std::string image_sources(const Branding& b) {
    std::string logo = safe_http_url(b.logo_url).empty() ? "" : origin_of(b.logo_url);
    std::string background = css_url(b.background_url).empty() ? "" : origin_of(b.background_url);
    if (background == logo) background.clear();
    if (logo.empty()) return background;
    return background.empty() ? logo : logo + " " + background;
}

std::string page_csp(std::string_view style_hash, bool with_script, std::string_view images,
                     std::string_view redirect_origin) {
    std::string csp = "default-src 'none'; ";
    if (with_script) csp += "script-src 'self'; ";
    csp += "style-src 'self'";
    if (!style_hash.empty()) {
        csp += ' ';
        csp += style_hash;
    }
    csp += "; ";
    if (!images.empty()) {
        csp += "img-src ";
        csp += images;
        csp += "; ";
    }
    csp += "form-action 'self'";
    if (!redirect_origin.empty()) {
        csp += ' ';
        csp += redirect_origin;
    }
    csp += "; frame-ancestors 'none'; base-uri 'none'";
    return csp;
}

}  // namespace cis::pages
