#pragma once
// Escaped text appended to a page being built. A schedule escapes ~15 000 values per
// render, nearly all ASCII: those are escaped in place without a temporary string, the
// rest go through imip::html_escape (which also replaces invalid UTF-8).
#include <string>
#include <string_view>

namespace cis::pages {

// Appends `text` escaped for HTML text and quoted attributes: & < > " '.
void append_html(std::string& out, std::string_view text);

}  // namespace cis::pages
