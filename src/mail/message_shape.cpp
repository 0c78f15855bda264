#include "mail/message_shape.hpp"

namespace cis::mail {

namespace {

constexpr std::size_t kMaxLine = 998;  // RFC 5322 §2.1.1, without the CRLF

bool is_field_name_char(unsigned char c) {
    return c >= 33 && c <= 126 && c != ':';
}

}  // namespace

std::string why_not_a_message(std::string_view raw) {
    if (raw.empty()) return "the message is empty";
    const auto first_visible = raw.find_first_not_of(" \t\r\n");
    if (first_visible != std::string_view::npos &&
        (raw[first_visible] == '{' || raw[first_visible] == '[')) {
        return "the body is JSON, not a MIME message (an SNS notification or an S3 event?): "
               "post the raw message itself, e.g. the S3 object or the notification's "
               "\"content\"";
    }
    std::size_t name = 0;
    while (name < raw.size() && is_field_name_char(static_cast<unsigned char>(raw[name]))) ++name;
    std::size_t colon = name;
    while (colon < raw.size() && (raw[colon] == ' ' || raw[colon] == '\t'))
        ++colon;  // obs-optional
    if (name == 0 || colon >= raw.size() || raw[colon] != ':')
        return "the body does not start with a header field such as \"From: …\" or "
               "\"Received: …\": it is not an RFC 5322 message";
    if (raw.size() > kMaxLine && raw.find('\n') == std::string_view::npos)
        return "the message is a single line of " + std::to_string(raw.size()) +
               " bytes: its line breaks were lost (curl -d strips them; use --data-binary)";
    return {};
}

}  // namespace cis::mail
