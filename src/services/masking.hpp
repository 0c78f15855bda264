#pragma once
// Masking of attendees' addresses and names in listings (SPEC §4 call 9): enough to
// recognise someone one already knows, not enough to harvest the list.
#include <string>
#include <string_view>

namespace cis::services {

// "john@example.com" → "j***@example.com": the local part's first character, then one star
// per further character (UTF-8 aware); the domain is kept. A one-character local part
// becomes "*" (its first character would be all of it). Text without '@' is masked as a
// local part. The listings (call 9) and the public unsubscribe pages both use it.
std::string mask_email(std::string_view address);
// "John van Smith" → "J*** v** S****": each word likewise; spaces kept.
std::string mask_name(std::string_view name);

}  // namespace cis::services
