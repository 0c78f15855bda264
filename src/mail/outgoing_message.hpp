#pragma once
// Building ordinary (non-calendar) outgoing messages: notifications and reports to
// organizers. GMime does the header encoding (RFC 2047) and MIME structure; volume
// here is one message per inbound message, so its cost does not matter.
#include <cstdint>
#include <string>

namespace cis::mail {

struct TextMessage {
    std::string from_name, from_address;
    std::string to_name, to_address;
    std::string subject;      // UTF-8
    std::string text;         // UTF-8 body, plain text
    std::string in_reply_to;  // Message-ID (without <>) of the message this answers
    std::string message_id_domain;
    std::int64_t date = 0;  // epoch seconds
    // An optional attachment (the invitee report, skipped bulk rows): the message is then
    // multipart/mixed, the text first, the attachment base64-encoded.
    std::string attachment_name, attachment_type;  // e.g. "report.csv", "text/csv"
    std::string attachment;
};

// The whole RFC 5322 message, CRLF line endings.
std::string build_text_message(const TextMessage& m);

}  // namespace cis::mail
