#pragma once
// SMTP replies: the value type the application hands back and its wire rendering.
#include <string>

namespace cis::smtp {

// One SMTP reply. `enhanced` is the RFC 3463 code ("2.0.0"); leave it empty and the server
// derives "<class>.0.0" from `code`. `text` may contain '\n' to produce a multi-line reply.
struct Reply {
    int code = 250;
    std::string enhanced;
    std::string text;
};

// Renders `r` as wire lines ("250-..." continuation lines, "250 ..." last line), each ending
// in CRLF. With `with_enhanced` false the enhanced code is omitted (greeting, EHLO/HELO).
// Pure and total: any input yields well-formed, bounded output.
std::string format_reply(const Reply& r, bool with_enhanced = true);

// Makes an application-supplied reply safe to send: code clamped to 200..599 (anything else
// becomes 451 4.3.0), enhanced code checked against the reply class, control bytes dropped.
Reply sanitize_reply(Reply r);

}  // namespace cis::smtp
