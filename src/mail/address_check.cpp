#include "mail/address_check.hpp"

#include <fmt/format.h>
#include <idn2.h>

#include <algorithm>
#include <cctype>

#include "mail/charset.hpp"

namespace cis::mail {

namespace {

bool atext(unsigned char c) {
    return std::isalnum(c) ||
           std::string_view("!#$%&'*+-/=?^_`{|}~").find(static_cast<char>(c)) !=
               std::string_view::npos ||
           c >= 0x80;  // UTF-8 (RFC 6531)
}

std::string local_error(std::string_view local) {
    if (local.empty()) return "the part before @ is empty";
    if (local.size() > 64) return "the part before @ is longer than 64 characters";
    if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos)
        return "dots may not start, end or repeat in the part before @";
    for (unsigned char c : local)
        if (c != '.' && !atext(c))
            return fmt::format("the character '{}' is not allowed before @", static_cast<char>(c));
    return {};
}

}  // namespace

CheckedAddress check_address(std::string_view input) {
    std::string_view s = input;
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    if (s.empty()) return {"", "the address is empty"};
    if (!is_valid_utf8(s)) return {"", "the address is not valid UTF-8"};
    const auto at = s.rfind('@');
    if (at == std::string_view::npos) return {"", "the address has no @"};
    const std::string_view local = s.substr(0, at), domain = s.substr(at + 1);
    if (auto e = local_error(local); !e.empty()) return {"", e};
    if (domain.empty()) return {"", "the domain after @ is empty"};

    char* ascii = nullptr;
    const std::string d(domain);
    const int rc = idn2_to_ascii_8z(d.c_str(), &ascii, IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL);
    if (rc != IDN2_OK)
        return {"", fmt::format("the domain \"{}\" is not valid: {}", d, idn2_strerror(rc))};
    std::string ascii_domain(ascii);
    idn2_free(ascii);
    std::transform(ascii_domain.begin(), ascii_domain.end(), ascii_domain.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (ascii_domain.find('.') == std::string::npos)
        return {"", fmt::format("the domain \"{}\" has no dot; mail needs a full domain name", d)};
    if (ascii_domain.size() > 253) return {"", "the domain is longer than 253 characters"};
    for (char c : ascii_domain)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.')
            return {"", fmt::format("the domain \"{}\" contains '{}'", d, c)};
    return {std::string(local) + "@" + ascii_domain, ""};
}

}  // namespace cis::mail
