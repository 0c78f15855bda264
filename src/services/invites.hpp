#pragma once
// Requesting one invitation (SPEC §3.2): validate, keep one invite per (event,
// recipient), and queue it durably; the outbox worker renders and delivers it.
#include <cstdint>
#include <optional>
#include <string>

#include "store/store.hpp"

namespace cis::services {

struct InviteRequest {
    std::string event_id, email, name, origin = "api";
    bool resend = false;
};

struct InviteContext {
    const store::ApiKey* key = nullptr;  // the caller's key; null for public pages
    std::string uid_key, token_key;      // installation secrets
    std::string domain, bounce_local = "bounce";
    std::int64_t now = 0;
};

struct InviteOutcome {
    int status = 202;        // HTTP status: 202 queued, 200 already invited, 4xx refused
    std::string error_code;  // set when refused
    std::string error_message;
    store::Invitee invitee;
    bool created = false, resent = false;
    std::int64_t outbox_id = 0;
};

InviteOutcome request_invite(store::Tx& tx, const InviteRequest& r, const InviteContext& c);

// A new invitee of `event` (not yet stored): the name cleaned for headers, the
// per-recipient UID derived. `email` must be checked and lower-cased already.
store::Invitee new_invitee(const Event& event, const std::string& email, std::string_view name,
                           const std::string& origin, const InviteContext& c);

// Why the address is suppressed for this organizer, if it is: the entry for every
// organizer first (as store::Tx::suppression_reason()), then the organizer's own, with its
// detail only where `shown` allows. Entries for every organizer come from other
// organizers' mail (a bounce, a complaint): their detail is the admin's alone.
enum class SuppressionDetail { None, Own, All };
std::optional<std::string> suppression_shown(store::Tx& tx, const std::string& email,
                                             const std::string& organizer, SuppressionDetail shown);

// Queues a calendar message of `kind` (invite, resend) to an existing invitee; the worker
// renders it from the event as it is then. Returns the outbox id.
std::int64_t queue_invitation(store::Tx& tx, const store::Invitee& inv, const std::string& kind,
                              std::int64_t sequence, const InviteContext& c);

// bounce+<token>@domain: the token names the invitee and is signed, so a bounce
// leads back to the invitation and cannot be forged.
std::string bounce_token(std::string_view token_key, std::int64_t invitee_id);
std::optional<std::int64_t> invitee_of_bounce_token(std::string_view token_key,
                                                    std::string_view token);
// The envelope sender of every calendar message to one invitee: bounce+<token>@domain.
std::string verp_sender(std::string_view bounce_local, std::string_view token_key,
                        std::int64_t invitee_id, std::string_view domain);

// Origins are short machine tags: api, landing, schedule, cta:mailchimp, bulk, …
bool valid_origin(std::string_view origin);

}  // namespace cis::services
