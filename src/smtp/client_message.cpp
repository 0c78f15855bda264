#include "smtp/client_message.hpp"

namespace cis::smtp {

WireMessage prepare_message(std::string_view data) {
    WireMessage m;
    m.wire.reserve(data.size() + data.size() / 32 + 8);
    std::uint64_t stuffed = 0;
    bool line_start = true;
    for (std::size_t i = 0; i < data.size(); ++i) {
        const char c = data[i];
        if (c == '\r' || c == '\n') {
            if (c == '\r' && i + 1 < data.size() && data[i + 1] == '\n') ++i;
            m.wire += "\r\n";
            line_start = true;
            continue;
        }
        if (line_start && c == '.') {
            m.wire += '.';
            ++stuffed;
        }
        if (static_cast<unsigned char>(c) >= 0x80) m.eight_bit = true;
        m.wire += c;
        line_start = false;
    }
    if (!line_start) m.wire += "\r\n";
    m.size = m.wire.size() - stuffed;
    m.wire += ".\r\n";
    return m;
}

std::string address_problem(std::string_view address, bool empty_ok) {
    if (address.empty()) return empty_ok ? "" : "the address is empty";
    // RFC 5321 4.5.3.1.3: a path is at most 256 octets including the angle brackets.
    if (address.size() > 254) return "the address is longer than 254 bytes";
    for (char c : address) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f) return "the address contains a control character";
        if (c == '<' || c == '>') return "the address contains '<' or '>'";
    }
    const std::size_t at = address.rfind('@');
    if (at == std::string_view::npos || at == 0 || at + 1 == address.size()) {
        return "the address is not of the form local@domain";
    }
    return "";
}

std::string mail_command(std::string_view from, const MailParams& params) {
    std::string cmd = "MAIL FROM:<";
    cmd += from;
    cmd += '>';
    if (params.size > 0) cmd += " SIZE=" + std::to_string(params.size);
    if (params.eight_bit) cmd += " BODY=8BITMIME";
    if (params.smtputf8) cmd += " SMTPUTF8";
    cmd += "\r\n";
    return cmd;
}

std::string rcpt_command(std::string_view rcpt) {
    std::string cmd = "RCPT TO:<";
    cmd += rcpt;
    cmd += ">\r\n";
    return cmd;
}

}  // namespace cis::smtp
