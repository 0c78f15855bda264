#pragma once
// Per-recipient UIDs (SPEC §3.2): every recipient gets the event under a UID of its own,
// derived with a keyed hash, so that a reply's UID proves which invitation it answers
// and cannot be guessed for another recipient or event.
#include <string>
#include <string_view>

namespace cis::imip {

// "<32 base32 characters>@<domain>": HMAC-SHA256 under `key` over the event id and the
// recipient address (length-prefixed, so no two pairs share an input), truncated to 160
// bits. Deterministic: the same (key, event, recipient) always gives the same UID, so
// updates and cancellations reach the copy the recipient already has. Pass the address
// normalised (cis::normalize_address); it is used byte for byte.
std::string recipient_uid(std::string_view key, std::string_view event_id,
                          std::string_view recipient_email, std::string_view domain);

}  // namespace cis::imip
