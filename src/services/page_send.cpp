#include "services/page_send.hpp"

#include <unordered_map>
#include <unordered_set>

namespace cis::services {

PageSelection select_page_events(const std::vector<Event>& page_events,
                                 const std::vector<std::string>& requested_ids) {
    std::unordered_map<std::string_view, const Event*> by_id;
    by_id.reserve(page_events.size());
    for (const auto& e : page_events) by_id.emplace(e.id, &e);
    PageSelection s;
    std::unordered_set<std::string_view> seen;
    for (const auto& id : requested_ids) {
        if (!seen.insert(id).second) continue;
        const auto it = by_id.find(id);
        if (it == by_id.end())
            ++s.not_on_page;
        else
            s.events.push_back(it->second);
    }
    return s;
}

std::vector<PageSendResult> send_page_invitations(store::Tx& tx,
                                                  const std::vector<std::string>& event_ids,
                                                  const std::string& email,
                                                  const std::string& origin,
                                                  const InviteContext& c) {
    std::vector<PageSendResult> results;
    results.reserve(event_ids.size());
    for (const auto& id : event_ids) {
        InviteRequest r;
        r.event_id = id;
        r.email = email;
        r.origin = origin;
        const auto o = request_invite(tx, r, c);
        PageSendResult res{id, PageSendOutcome::NotSent};
        if (o.error_code.empty())
            res.outcome = o.created ? PageSendOutcome::Sent : PageSendOutcome::AlreadyInvited;
        else if (o.error_code == "event_cancelled" || o.error_code == "event_not_found")
            res.outcome = PageSendOutcome::Cancelled;  // "no longer available" to the visitor
        else if (o.error_code == "event_over")
            res.outcome = PageSendOutcome::Over;
        results.push_back(std::move(res));
    }
    return results;
}

}  // namespace cis::services
