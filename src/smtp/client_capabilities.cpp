#include "smtp/client_capabilities.hpp"

#include <sstream>
#include <string_view>

#include "smtp/command.hpp"

namespace cis::smtp {
namespace {

std::string upper(std::string s) {
    for (char& c : s)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
    return s;
}

void add_auth(Capabilities& caps, std::istringstream& mechanisms) {
    std::string m;
    while (mechanisms >> m) {
        m = upper(m);
        if (m == "PLAIN") caps.auth_plain = true;
        if (m == "LOGIN") caps.auth_login = true;
        if (!caps.auth_mechanisms.empty()) caps.auth_mechanisms += ' ';
        caps.auth_mechanisms += m;
    }
}

}  // namespace

Capabilities parse_ehlo(const ServerReply& reply) {
    Capabilities caps;
    for (std::size_t i = 1; i < reply.lines.size(); ++i) {
        std::string line = reply.lines[i];
        // Some old servers advertise "AUTH=LOGIN PLAIN"; read it like "AUTH LOGIN PLAIN".
        if (upper(line.substr(0, 5)) == "AUTH=") line[4] = ' ';
        std::istringstream words(line);
        std::string keyword;
        words >> keyword;
        keyword = upper(keyword);
        if (keyword == "PIPELINING") {
            caps.pipelining = true;
        } else if (keyword == "8BITMIME") {
            caps.eight_bit = true;
        } else if (keyword == "SMTPUTF8") {
            caps.smtputf8 = true;
        } else if (keyword == "STARTTLS") {
            caps.starttls = true;
        } else if (keyword == "AUTH") {
            add_auth(caps, words);
        } else if (keyword == "SIZE") {
            std::string value;
            words >> value;
            caps.size_offered = true;
            if (const auto n = parse_size(value)) caps.max_size = *n;  // "SIZE" alone: no limit
        }
    }
    return caps;
}

}  // namespace cis::smtp
