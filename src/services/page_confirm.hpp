#pragma once
// Double opt-in of page sends (SPEC §5 "optional confirmation"). On a page with
// `confirm`, the visitor's POST sends no invitation: it stores what was asked for and
// mails the address a link; the invitations go out when the owner of the address opens it
// and confirms (POST /confirm/{token}). A stranger typing someone's address can then
// cause one short message, within the per-recipient limit, and no calendar entry.
#include <cstdint>
#include <string>
#include <vector>

#include "store/store.hpp"

namespace cis::services {

inline constexpr std::int64_t kConfirmationHours = 24;  // how long a link works

struct ConfirmationContext {
    std::string domain;      // the installation's mail domain
    std::string from_local;  // [mailboxes] notification: the message's From
    std::string bounce_local;  // envelope sender (a bounce of it suppresses nothing)
    std::string public_url;    // the link's base, no trailing slash
    std::int64_t now = 0;
};

// Stores the pending send and queues its message (due now). An address that is
// suppressed (for everyone or for the page's organizer) gets neither: the visitor is shown
// the same answer, as whether someone unsubscribed is theirs to know. Returns the token, or
// "" for a suppressed address.
std::string request_page_confirmation(store::Tx& tx, const store::Page& page,
                                      const std::vector<const Event*>& events,
                                      const std::string& email, const ConfirmationContext& c);

// The message: the events, the link, and that nothing is sent without it.
std::string build_confirmation_email(const store::Page& page,
                                     const std::vector<const Event*>& events,
                                     const std::string& email, const std::string& link,
                                     const ConfirmationContext& c);

// Whether the link still works at `now`.
inline bool confirmation_expired(const store::PageConfirmation& pc, std::int64_t now) {
    return now >= pc.expires_at;
}

}  // namespace cis::services
