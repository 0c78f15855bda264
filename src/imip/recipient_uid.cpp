#include "imip/recipient_uid.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <stdexcept>

namespace cis::imip {

namespace {

constexpr std::size_t kUidBytes = 20;  // 160 bits: 32 base32 characters, no padding

void append_length_prefixed(std::string& out, std::string_view s) {
    const auto n = static_cast<std::uint64_t>(s.size());
    for (int shift = 56; shift >= 0; shift -= 8) out += static_cast<char>((n >> shift) & 0xFF);
    out.append(s);
}

// RFC 4648 base32, lower case: UIDs are compared case-sensitively by some clients and
// lower case survives every one of them (and Outlook's upper-casing of MAILTO: does
// not touch UIDs).
std::string base32(const unsigned char* data, std::size_t n) {
    static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
    std::string out;
    unsigned buffer = 0;
    int bits = 0;
    for (std::size_t i = 0; i < n; ++i) {
        buffer = (buffer << 8) | data[i];
        bits += 8;
        while (bits >= 5) {
            out += kAlphabet[(buffer >> (bits - 5)) & 31];
            bits -= 5;
        }
    }
    if (bits > 0) out += kAlphabet[(buffer << (5 - bits)) & 31];
    return out;
}

}  // namespace

std::string recipient_uid(std::string_view key, std::string_view event_id,
                          std::string_view recipient_email, std::string_view domain) {
    std::string input = "cis-recipient-uid-v1";
    append_length_prefixed(input, event_id);
    append_length_prefixed(input, recipient_email);
    std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
    unsigned int len = 0;
    static constexpr char kEmpty[] = "";  // OpenSSL wants a pointer even for no key
    if (!HMAC(EVP_sha256(), key.empty() ? kEmpty : key.data(), static_cast<int>(key.size()),
              reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac.data(), &len))
        throw std::runtime_error("HMAC-SHA256 failed while deriving a recipient UID");
    return base32(mac.data(), kUidBytes) + "@" + std::string(domain);
}

}  // namespace cis::imip
