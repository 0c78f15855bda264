#pragma once
// The bounce+<token>@ processor (SPEC §3.5). The token (signed, see invites.hpp) names
// the invitee whose message came back; mail::classify_bounce says what came back:
//   hard bounce → the invitee's delivery is "bounced" and the address is suppressed for
//                 every organizer (a dead mailbox is dead for all);
//   soft bounce → recorded on the invitee (full mailbox, policy block, delay);
//   complaint   → the address is suppressed ("complained") for every organizer;
//   anything else (auto-replies, people writing back) → kept and ignored.
// A token that does not verify is quarantined; mail to the bare bounce@ address (the
// envelope sender of organizer notifications) is kept for an operator.
#include <cstdint>
#include <string>
#include <vector>

#include "services/intake.hpp"

namespace cis::services {

struct BounceOutcome {
    std::string status;  // hard_bounce / soft_bounce / complaint / ignored / quarantined / stored
    std::string reason;
    std::vector<std::string> event_ids;
};

BounceOutcome apply_bounce(store::Tx& tx, const Prepared& p, const IntakePolicy& policy,
                           std::int64_t now);

}  // namespace cis::services
