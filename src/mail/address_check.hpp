#pragma once
// Is this an address we can send to? Syntax (RFC 5321/5322 dot-atom local parts, or
// UTF-8 ones for SMTPUTF8) and IDN domains (IDNA 2008 via libidn2, to their ASCII form).
#include <optional>
#include <string>
#include <string_view>

namespace cis::mail {

struct CheckedAddress {
    std::string address;  // local@ascii-domain, domain lower-cased: the form we store and send to
    std::string error;    // why it is not usable; empty when it is
    bool ok() const { return error.empty(); }
};

CheckedAddress check_address(std::string_view input);

}  // namespace cis::mail
