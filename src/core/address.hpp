#pragma once
// Email address handling shared by every layer: normalisation and parts.
#include <string>
#include <string_view>

namespace cis {

// Lower-cases and trims an address, strips a "mailto:" prefix and angle brackets.
// Returns an empty string when the result is not of the form local@domain.
std::string normalize_address(std::string_view raw);
std::string local_part(std::string_view address);   // "create+x" of "create+x@d"
std::string domain_part(std::string_view address);  // "d"
// "create" of "create+secret"; the detail after '+' goes to *detail when given.
std::string base_local_part(std::string_view local, std::string* detail = nullptr);
// Relaxed DMARC-style alignment: equal, or one is a subdomain of the other.
bool domains_aligned(std::string_view a, std::string_view b);

}  // namespace cis
