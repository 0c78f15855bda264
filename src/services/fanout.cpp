#include "services/fanout.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "services/invites.hpp"

namespace cis::services {

namespace {

using itip::Outcome;

// What recipients are sent for a version: nothing (a creation), an update, a cancel.
std::string fanout_kind(Outcome o) {
    switch (o) {
        case Outcome::Updated:
        case Outcome::Reinstated:
        case Outcome::OccurrenceUpdated:
            return "update";
        case Outcome::Cancelled:
        case Outcome::OccurrenceCancelled:
            return "cancel";
        default:
            return "";
    }
}

bool is_cancelled(const Event& e, const std::string& recurrence_id) {
    return std::any_of(e.occurrences.begin(), e.occurrences.end(), [&](const Occurrence& o) {
        return o.recurrence_id == recurrence_id && o.fields.status == EventStatus::Cancelled;
    });
}

// The instances this version cancelled: cancelled now, and not before.
std::vector<std::string> newly_cancelled(const std::optional<Event>& before, const Event& after) {
    std::vector<std::string> out;
    for (const auto& o : after.occurrences)
        if (o.fields.status == EventStatus::Cancelled &&
            !(before && is_cancelled(*before, o.recurrence_id)))
            out.push_back(o.recurrence_id);
    return out;
}

bool approval_required(store::Tx& tx, const std::string& event_id, const FanOutSettings& s) {
    const store::ApprovalSettings a = tx.approval_settings(event_id);
    if (a.event) return *a.event;
    if (a.organizer) return *a.organizer;
    return s.approval_default;
}

// Queues the change's messages; the event is the version the change recorded.
std::int64_t queue_fanout(store::Tx& tx, const Event& e, const store::EventChange& c,
                          const FanOutSettings& s, std::int64_t now) {
    const bool cancel = c.kind == "cancel";
    tx.supersede_queued(e.id, c.sequence, cancel && c.occurrences.empty(),
                        fmt::format("replaced by version {} of the event", c.sequence));
    std::int64_t queued = 0;
    for (const auto& who : tx.fanout_audience(e.id, e.organizer, /*yes_or_maybe=*/!cancel)) {
        store::OutboxMessage m;
        m.kind = c.kind;
        m.event_id = e.id;
        m.invitee_id = who.invitee_id;
        m.sequence = c.sequence;
        m.env_from = verp_sender(s.bounce_local, s.token_key, who.invitee_id, s.domain);
        m.rcpt = who.email;
        m.next_attempt_at = m.created_at = now;
        if (tx.enqueue_once(m)) ++queued;
    }
    return queued;
}

ChangeDecision refuse(int status, std::string code, std::string message) {
    ChangeDecision d;
    d.status = status;
    d.error_code = std::move(code);
    d.error_message = std::move(message);
    return d;
}

// The change, if it is still waiting for a decision; otherwise the refusal.
std::optional<ChangeDecision> not_pending(store::Tx& tx, std::int64_t id,
                                          std::optional<store::EventChange>& c) {
    c = tx.find_change(id);
    if (!c) return refuse(404, "change_not_found", fmt::format("no change with id {}", id));
    if (c->approval != "pending")
        return refuse(409, "not_pending",
                      fmt::format("change {} is not awaiting approval ({})", id, c->approval));
    if (c->fanout == "superseded")
        return refuse(409, "superseded",
                      fmt::format("change {} was replaced by a newer version of the event; "
                                  "decide on that one",
                                  id));
    return std::nullopt;
}

}  // namespace

store::EventChange record_version(store::Tx& tx, const std::optional<Event>& before,
                                  const Event& after, Outcome outcome,
                                  std::optional<std::int64_t> inbound_id, const FanOutSettings& s,
                                  std::int64_t now) {
    store::EventChange c;
    c.event_id = after.id;
    c.sequence = after.sequence;
    c.outcome = itip::to_string(outcome);
    c.kind = fanout_kind(outcome);
    if (outcome == Outcome::OccurrenceCancelled) c.occurrences = newly_cancelled(before, after);
    c.inbound_id = inbound_id;
    c.created_at = now;
    if (!c.kind.empty()) {
        // Whatever older version still waits for approval will never go out now.
        tx.supersede_pending_changes(after.id, after.sequence);
        if (approval_required(tx, after.id, s)) {
            c.approval = c.fanout = "pending";
        } else {
            c.queued = queue_fanout(tx, after, c, s, now);
            c.fanout = "done";
        }
    }
    c.id = tx.insert_change(c);
    return c;
}

ChangeDecision approve_change(store::Tx& tx, std::int64_t change_id, const FanOutSettings& s,
                              const std::string& who, std::int64_t now) {
    std::optional<store::EventChange> c;
    if (auto refused = not_pending(tx, change_id, c)) return *refused;
    const auto event = tx.find_event_by_id(c->event_id);
    if (!event || event->sequence != c->sequence)
        return refuse(409, "superseded",
                      fmt::format("the event has changed since change {}", change_id));
    c->queued = queue_fanout(tx, *event, *c, s, now);
    c->approval = "approved";
    c->fanout = "done";
    c->decided_at = now;
    c->decided_by = who;
    tx.update_change(*c);
    ChangeDecision d;
    d.change = *c;
    return d;
}

ChangeDecision reject_change(store::Tx& tx, std::int64_t change_id, const std::string& who,
                             std::int64_t now) {
    std::optional<store::EventChange> c;
    if (auto refused = not_pending(tx, change_id, c)) return *refused;
    c->approval = "rejected";
    c->fanout = "none";
    c->decided_at = now;
    c->decided_by = who;
    tx.update_change(*c);
    ChangeDecision d;
    d.change = *c;
    return d;
}

}  // namespace cis::services
