#include "services/bounce_apply.hpp"

#include <fmt/format.h>

#include "mail/bounce.hpp"
#include "services/invites.hpp"

namespace cis::services {

using Kind = mail::BounceReport::Kind;

BounceOutcome apply_bounce(store::Tx& tx, const Prepared& p, const IntakePolicy& policy,
                           std::int64_t now) {
    if (p.route.detail.empty())
        return {"stored",
                "mail to the bare bounce address (organizer notifications come from it): kept "
                "for an operator",
                {}};
    const auto id = invitee_of_bounce_token(policy.fanout.token_key, p.route.detail);
    const auto invitee = id ? tx.find_invitee_by_id(*id) : std::nullopt;
    if (!invitee)
        return {"quarantined",
                fmt::format("the bounce token \"{}\" was not issued by CIS: not counted",
                            p.route.detail),
                {}};
    const mail::BounceReport r = mail::classify_bounce(p.delivery.raw);
    // The token, not the report, says whose message it was: a report may name a forwarding
    // address or an alias. Its words go into the record.
    const std::string& email = invitee->email;
    const std::string said = r.status.empty() ? r.diagnostic : r.status + " " + r.diagnostic;
    switch (r.kind) {
        case Kind::Hard:
            tx.set_invitee_delivery(invitee->id, "bounced", said, std::nullopt);
            tx.put_suppression(email, "", "bounced", said, now);
            return {"hard_bounce",
                    fmt::format("{} bounced ({}): suppressed; {}", email, said, r.reason),
                    {invitee->event_id}};
        case Kind::Soft:
            tx.set_invitee_delivery(invitee->id, invitee->delivery, "soft bounce: " + said,
                                    std::nullopt);
            return {"soft_bounce",
                    fmt::format("{}: temporary ({}); {}", email, said, r.reason),
                    {invitee->event_id}};
        case Kind::Complaint:
            tx.put_suppression(email, "", "complained", r.reason, now);
            return {
                "complaint",
                fmt::format("{} reported the invitation as spam: suppressed; {}", email, r.reason),
                {invitee->event_id}};
        case Kind::NotABounce:
            break;
    }
    return {"ignored", fmt::format("not a bounce: {}", r.reason), {invitee->event_id}};
}

}  // namespace cis::services
