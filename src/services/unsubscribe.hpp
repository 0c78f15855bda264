#pragma once
// One-click unsubscribe (SPEC §3.5, RFC 8058). Every calendar message to an invitee
// carries `List-Unsubscribe: <{public_url}/unsubscribe/{token}>`; the token names the
// invitee and is signed with the installation's token key, so it can be neither guessed
// nor turned towards somebody else. Using it suppresses the address for the organizer of
// that invitation only: other organizers may still invite it.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "store/store.hpp"

namespace cis::services {

// "<invitee id>-<16 hex digits of HMAC-SHA256(token_key, "unsubscribe:<id>")>".
std::string unsubscribe_token(std::string_view token_key, std::int64_t invitee_id);
// The invitee a token was made for, or nullopt when it is malformed, truncated or forged
// (the signature is compared in constant time).
std::optional<std::int64_t> invitee_of_unsubscribe_token(std::string_view token_key,
                                                         std::string_view token);

// What the public pages show about one token.
struct Unsubscription {
    std::string masked_email;    // mask_email() of the invitee's address
    std::string organizer_name;  // the organizer's display name; empty when none is known
    std::string event_summary;   // the event the invitation was for
    bool unsubscribed = false;   // the address gets no more invitations from this organizer
    bool changed = false;        // unsubscribe() recorded it just now
};

// Reads only (a GET, which link scanners fetch, must change nothing). nullopt for a token
// that is not valid or whose invitation no longer exists.
std::optional<Unsubscription> find_unsubscription(store::Tx& tx, std::string_view token_key,
                                                  std::string_view token);

// Suppresses the invitee's address for the event's organizer: reason "unsubscribed", the
// detail naming the event. Idempotent: a repeat changes nothing. It replaces an entry the
// organizer made ("blocked"), so the recipient's own choice is recorded as theirs, and
// leaves any other one (an earlier unsubscribe, a bounce, a complaint) as it is.
std::optional<Unsubscription> unsubscribe(store::Tx& tx, std::string_view token_key,
                                          std::string_view token, std::int64_t now);

}  // namespace cis::services
