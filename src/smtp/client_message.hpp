#pragma once
// Turning a message and its envelope into SMTP wire text for the relay client. Pure.
#include <cstdint>
#include <string>
#include <string_view>

namespace cis::smtp {

struct WireMessage {
    // Dot-stuffed (RFC 5321 4.5.2), every line ending in CRLF, followed by ".\r\n": ready to
    // write after the 354.
    std::string wire;
    std::uint64_t size = 0;  // RFC 1870 size: line ends included, stuffing and "." excluded
    bool eight_bit = false;  // has bytes >= 0x80 (BODY=8BITMIME)
};

// Bare CR and bare LF become CRLF, and a missing final CRLF is added, so that no sequence in
// `data` can look like the end-of-data marker to any server (SMTP smuggling).
WireMessage prepare_message(std::string_view data);

// Why `address` cannot go into MAIL FROM/RCPT TO, or "" when it can. Rejects what could
// break out of the command line (CR, LF, other control bytes, '<', '>') and what is plainly no
// mailbox. `empty_ok` allows the null reverse-path.
std::string address_problem(std::string_view address, bool empty_ok);

struct MailParams {
    std::uint64_t size = 0;  // SIZE=; 0 = omit
    bool eight_bit = false;  // BODY=8BITMIME
    bool smtputf8 = false;   // SMTPUTF8
};

std::string mail_command(std::string_view from, const MailParams& params);  // with CRLF
std::string rcpt_command(std::string_view rcpt);                            // with CRLF

}  // namespace cis::smtp
