#pragma once
// SASL encodings for the relay client's AUTH (RFC 4954). Pure.
#include <string>
#include <string_view>

namespace cis::smtp {

std::string base64(std::string_view bytes);

// "AUTH PLAIN <base64(\0user\0password)>\r\n" (RFC 4616, initial response, empty authzid).
std::string auth_plain_command(std::string_view user, std::string_view password);

}  // namespace cis::smtp
