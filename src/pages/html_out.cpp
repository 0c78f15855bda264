#include "pages/html_out.hpp"

#include <array>

#include "imip/mime_text.hpp"

namespace cis::pages {

namespace {

// 1: an HTML special character; 2: a non-ASCII byte (UTF-8 to check).
constexpr std::array<unsigned char, 256> kClass = [] {
    std::array<unsigned char, 256> t{};
    for (unsigned char c : {'&', '<', '>', '"', '\''}) t[c] = 1;
    for (int c = 0x80; c < 256; ++c) t[c] = 2;
    return t;
}();

const char* entity(char c) {
    switch (c) {
        case '&':
            return "&amp;";
        case '<':
            return "&lt;";
        case '>':
            return "&gt;";
        case '"':
            return "&quot;";
        default:
            return "&#39;";
    }
}

}  // namespace

void append_html(std::string& out, std::string_view text) {
    std::size_t plain = 0;  // start of the run not yet copied
    for (std::size_t i = 0; i < text.size(); ++i) {
        const unsigned char k = kClass[static_cast<unsigned char>(text[i])];
        if (k == 0) continue;
        out.append(text.data() + plain, i - plain);
        if (k == 2) {  // the rest, UTF-8 checked (invalid bytes become U+FFFD)
            out += imip::html_escape(text.substr(i));
            return;
        }
        out += entity(text[i]);
        plain = i + 1;
    }
    out.append(text.data() + plain, text.size() - plain);
}

}  // namespace cis::pages
