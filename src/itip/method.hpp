#pragma once
// Which iTIP method a message carries. The METHOD inside the VCALENDAR wins over the
// MIME method= parameter, which real clients omit, quote, lower-case or contradict
// (shared/CLIENT-QUIRKS.md §2) — Outlook itself does the same.
#include <string>
#include <string_view>

namespace cis::itip {

enum class Method {
    None,
    Publish,
    Request,
    Reply,
    Add,
    Cancel,
    Refresh,
    Counter,
    DeclineCounter,
    Unknown
};

Method parse_method(std::string_view text);  // case-insensitive, quotes stripped
Method effective_method(std::string_view body_method, std::string_view mime_param);
const char* to_string(Method m);

}  // namespace cis::itip
