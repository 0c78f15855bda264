#pragma once
// The frame every public page shares: doctype, UTF-8, viewport, the stylesheet and script
// from /assets/, the page's branding style (allowed by hash), header with logo and title;
// and the Content-Security-Policy that goes with it.
#include <string>
#include <string_view>

#include "pages/branding.hpp"

namespace cis::pages {

// Versioned /assets/ paths (app::asset_url); empty js = a page without script.
struct Assets {
    std::string css, js;
};

// A page and what its Content-Security-Policy must allow: the inline branding style (the
// caller hashes it: app::csp_hash) and whether it loads the page script.
struct Rendered {
    int status = 200;
    std::string html;
    std::string style;
    bool script = false;
};

// Opens the document up to and including <main ...>; `main_attributes` e.g. ` id="result"`.
void open_page(std::string& out, const Branding& b, const Assets& a, std::string_view page_title,
               std::string_view main_attributes, std::string_view body_class);
void close_page(std::string& out);

// default-src 'none'; scripts only from this server, styles from it or by the hash of the
// branding style; images (logo, background) from http(s); forms post here — and, when the
// page redirects after a send, to that origin too (browsers apply form-action to the
// redirect of a form post).
// `style_hash`: the CSP source of Rendered::style ("" when there is none).
std::string page_csp(std::string_view style_hash, bool with_script,
                     std::string_view redirect_origin = "");

// "https://example.org" of an http(s) URL, or "" (for form-action).
std::string origin_of(std::string_view url);

// The text for the title and <h1>: the branding title or `fallback`.
std::string_view title_or(const Branding& b, std::string_view fallback);

}  // namespace cis::pages
