#include "services/cursor.hpp"

#include <openssl/evp.h>

#include <algorithm>

namespace cis::services {

std::string base64url_encode(std::string_view bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(bytes.data()),
                                  static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(n));
    while (!out.empty() && out.back() == '=') out.pop_back();
    std::replace(out.begin(), out.end(), '+', '-');
    std::replace(out.begin(), out.end(), '/', '_');
    return out;
}

std::optional<std::string> base64url_decode(std::string_view text) {
    if (text.size() % 4 == 1) return std::nullopt;  // no encoding ends with one character
    std::string in(text);
    for (char& c : in) {
        const bool plain =
            (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (c == '-')
            c = '+';
        else if (c == '_')
            c = '/';
        else if (!plain)
            return std::nullopt;  // also refuses '+', '/' and padding
    }
    const std::size_t padding = (4 - in.size() % 4) % 4;
    in.append(padding, '=');
    std::string out(in.size() / 4 * 3, '\0');
    const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(in.data()),
                                  static_cast<int>(in.size()));
    if (n < 0) return std::nullopt;
    // EVP_DecodeBlock counts the bytes the padding stands for as zeros: drop them.
    out.resize(static_cast<std::size_t>(n) - padding);
    // Only the canonical spelling: unused low bits set in the last character would make
    // two texts one cursor.
    if (base64url_encode(out) != text) return std::nullopt;
    return out;
}

std::string encode_cursor(std::string_view listing, std::string_view key) {
    std::string plain(listing);
    plain += ':';
    plain += key;
    return base64url_encode(plain);
}

std::optional<std::string> decode_cursor(std::string_view listing, std::string_view cursor) {
    auto plain = base64url_decode(cursor);
    if (!plain || plain->size() <= listing.size() || !plain->starts_with(listing) ||
        (*plain)[listing.size()] != ':')
        return std::nullopt;
    return plain->substr(listing.size() + 1);
}

}  // namespace cis::services
