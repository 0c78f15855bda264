#pragma once
// What a server's EHLO reply offers, as far as the relay client cares. Pure.
#include <cstdint>
#include <optional>
#include <string>

#include "smtp/client_reply.hpp"

namespace cis::smtp {

struct Capabilities {
    bool pipelining = false;  // RFC 2920
    bool eight_bit = false;   // 8BITMIME, RFC 6152
    bool smtputf8 = false;    // RFC 6531
    bool starttls = false;    // RFC 3207
    bool auth_plain = false;  // RFC 4954 / 4616
    bool auth_login = false;  // the de-facto LOGIN mechanism
    bool size_offered = false;
    std::uint64_t max_size = 0;   // SIZE's value; 0 = offered without a limit (RFC 1870)
    std::string auth_mechanisms;  // as advertised, for error messages

    // True when `bytes` exceeds an advertised SIZE limit.
    bool too_big(std::uint64_t bytes) const { return max_size > 0 && bytes > max_size; }
};

// Reads the keyword lines of a 250 EHLO reply (the first line is the server's greeting).
// Unknown keywords and malformed values are ignored: an extension we cannot read is one we
// do not use.
Capabilities parse_ehlo(const ServerReply& reply);

}  // namespace cis::smtp
