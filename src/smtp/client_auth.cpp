#include "smtp/client_auth.hpp"

#include <openssl/evp.h>

namespace cis::smtp {

std::string base64(std::string_view bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3), '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(bytes.data()),
                                  static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

std::string auth_plain_command(std::string_view user, std::string_view password) {
    std::string credentials;
    credentials += '\0';
    credentials += user;
    credentials += '\0';
    credentials += password;
    return "AUTH PLAIN " + base64(credentials) + "\r\n";
}

}  // namespace cis::smtp
