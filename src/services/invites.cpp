#include "services/invites.hpp"

#include <fmt/format.h>

#include <cctype>

#include "imip/recipient_uid.hpp"
#include "mail/address_check.hpp"
#include "services/api_keys.hpp"
#include "services/ids.hpp"

namespace cis::services {

namespace {

InviteOutcome refuse(int status, std::string code, std::string message) {
    InviteOutcome o;
    o.status = status;
    o.error_code = std::move(code);
    o.error_message = std::move(message);
    return o;
}

// Display names end up in headers and calendar parameters: one line, bounded.
std::string clean_name(std::string_view name) {
    std::string out;
    for (unsigned char c : name)
        if (c >= 0x20 && c != 0x7f) out += static_cast<char>(c);
    if (out.size() > 200) out.resize(200);
    return out;
}

}  // namespace

std::optional<std::string> suppression_shown(store::Tx& tx, const std::string& email,
                                             const std::string& organizer,
                                             SuppressionDetail shown) {
    auto s = tx.find_suppression(email, "");
    if (!s) s = tx.find_suppression(email, organizer);
    if (!s) return std::nullopt;
    const bool detail =
        !s->detail.empty() && (shown == SuppressionDetail::All ||
                               (shown == SuppressionDetail::Own && !s->organizer.empty()));
    return detail ? fmt::format("{} ({})", s->reason, s->detail) : s->reason;
}

std::int64_t queue_invitation(store::Tx& tx, const store::Invitee& inv, const std::string& kind,
                              std::int64_t sequence, const InviteContext& c) {
    store::OutboxMessage m;
    m.kind = kind;
    m.event_id = inv.event_id;
    m.invitee_id = inv.id;
    m.sequence = sequence;
    m.env_from = verp_sender(c.bounce_local, c.token_key, inv.id, c.domain);
    m.rcpt = inv.email;
    m.next_attempt_at = m.created_at = c.now;
    return tx.enqueue(m);
}

bool valid_origin(std::string_view origin) {
    if (origin.empty() || origin.size() > 64) return false;
    for (unsigned char c : origin)
        if (!std::islower(c) && !std::isdigit(c) && c != '-' && c != '_' && c != ':' && c != '.')
            return false;
    return std::islower(static_cast<unsigned char>(origin.front()));
}

std::string bounce_token(std::string_view token_key, std::int64_t invitee_id) {
    const std::string id = std::to_string(invitee_id);
    return id + "-" + hmac_hex(token_key, "bounce:" + id, 12);
}

std::string verp_sender(std::string_view bounce_local, std::string_view token_key,
                        std::int64_t invitee_id, std::string_view domain) {
    return fmt::format("{}+{}@{}", bounce_local, bounce_token(token_key, invitee_id), domain);
}

std::optional<std::int64_t> invitee_of_bounce_token(std::string_view token_key,
                                                    std::string_view token) {
    const auto dash = token.find('-');
    if (dash == std::string_view::npos || dash == 0 || dash > 18) return std::nullopt;
    const std::string id(token.substr(0, dash));
    for (char ch : id)
        if (!std::isdigit(static_cast<unsigned char>(ch))) return std::nullopt;
    if (!constant_time_equal(token.substr(dash + 1), hmac_hex(token_key, "bounce:" + id, 12)))
        return std::nullopt;
    return std::stoll(id);
}

store::Invitee new_invitee(const Event& event, const std::string& email, std::string_view name,
                           const std::string& origin, const InviteContext& c) {
    store::Invitee inv;
    inv.event_id = event.id;
    inv.email = email;
    inv.name = clean_name(name);
    inv.origin = origin;
    inv.uid = imip::recipient_uid(c.uid_key, event.id, email, c.domain);
    inv.invited_at = c.now;
    return inv;
}

InviteOutcome request_invite(store::Tx& tx, const InviteRequest& r, const InviteContext& c) {
    const std::string origin = r.origin.empty() ? "api" : r.origin;
    if (!valid_origin(origin))
        return refuse(422, "invalid_origin",
                      fmt::format("origin \"{}\" must be a short lower-case tag such as api, "
                                  "landing or cta:mailchimp",
                                  origin));
    const auto checked = mail::check_address(r.email);
    if (!checked.ok())
        return refuse(422, "invalid_email", fmt::format("\"{}\": {}", r.email, checked.error));
    std::string email = checked.address;
    for (char& ch : email) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));

    const auto event = tx.find_event_by_id(r.event_id);
    if (!event)
        return refuse(404, "event_not_found", fmt::format("no event with id {}", r.event_id));
    if (c.key && !key_covers_organizer(*c.key, event->organizer))
        return refuse(403, "forbidden", "this API key may not invite to that organizer's events");
    if (event->fields.status == EventStatus::Cancelled)
        return refuse(409, "event_cancelled",
                      "the event is cancelled; it takes no new invitations");
    if (event->last_end && *event->last_end < c.now)
        return refuse(409, "event_over",
                      fmt::format("the event ended {}", rfc3339_utc(*event->last_end)));
    const auto shown = !c.key                   ? SuppressionDetail::None
                       : c.key->role == "admin" ? SuppressionDetail::All
                                                : SuppressionDetail::Own;
    if (auto why = suppression_shown(tx, email, event->organizer, shown))
        return refuse(409, "suppressed",
                      fmt::format("{} does not receive invitations: {}", email, *why));

    InviteOutcome o;
    if (auto existing = tx.find_invitee(event->id, email)) {
        o.invitee = *existing;
        if (!r.resend) {
            o.status = 200;  // one invite per (event, recipient): the repeat is a no-op
            return o;
        }
        o.outbox_id = queue_invitation(tx, o.invitee, "resend", event->sequence, c);
        o.resent = true;
        return o;
    }
    store::Invitee inv = new_invitee(*event, email, r.name, origin, c);
    inv.id = tx.insert_invitee(inv);
    o.invitee = inv;
    o.created = true;
    o.outbox_id = queue_invitation(tx, inv, "invite", event->sequence, c);
    return o;
}

}  // namespace cis::services
