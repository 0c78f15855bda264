#include "services/event_batch.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "services/fanout.hpp"
#include "services/ids.hpp"

namespace cis::services {

using itip::Outcome;

EventBatch::EventBatch(store::Tx& tx, const store::Organizer& organizer, const IntakePolicy& policy,
                       std::optional<std::int64_t> inbound_id, std::int64_t now)
    : tx_(tx), organizer_(organizer), policy_(policy), inbound_id_(inbound_id), now_(now) {}

itip::Context EventBatch::context() {
    itip::Context ctx;
    ctx.now = now_;
    ctx.accept_past_events = policy_.accept_past_events;
    const std::int64_t limit =
        organizer_.event_limit ? organizer_.event_limit : policy_.default_event_limit;
    if (limit <= 0) return ctx;
    if (!upcoming_) upcoming_ = tx_.count_upcoming_events(organizer_.email, now_);
    if (*upcoming_ >= limit) {
        ctx.may_create = false;
        ctx.may_not_create_reason =
            fmt::format("you have reached your limit of {} upcoming events", limit);
    }
    return ctx;
}

void EventBatch::reject(std::string uid, std::string summary, std::string reason) {
    EventOutcome out;
    out.uid = std::move(uid);
    out.summary = std::move(summary);
    out.reason = std::move(reason);
    report_.events.push_back(std::move(out));
}

void EventBatch::decide_and_store(itip::Method method, const itip::UidGroup& g,
                                  const std::optional<Event>& stored) {
    const IncomingEvent& first = g.master ? *g.master : *g.overrides.front();
    EventOutcome out{g.uid,
                     g.master ? g.master->recurrence_id : std::string(),
                     Outcome::Rejected,
                     "",
                     "",
                     first.fields.summary,
                     first.fields.start,
                     first.fields.timezone,
                     0};
    itip::Decision d = itip::decide(method, g, stored, organizer_.email, context());
    // Google, Thunderbird and Tine send the calendar inline and attached; copies that
    // differ only in formatting decide "unchanged" against the first: report it once.
    const std::string key = g.uid + "\n" + out.recurrence_id;
    if (!seen_.insert(key).second) {
        const bool repeat =
            std::any_of(report_.events.begin(), report_.events.end(), [&](const EventOutcome& e) {
                return e.uid == out.uid && e.recurrence_id == out.recurrence_id &&
                       e.outcome == d.outcome && e.reason == d.reason;
            });
        if (repeat || d.outcome == Outcome::Unchanged) return;
    }
    out.outcome = d.outcome;
    out.reason = d.reason;
    if (stored) out.event_id = stored->id;
    if (d.event) {
        Event& e = *d.event;
        if (d.outcome == Outcome::Created) {
            e.id = new_event_id();
            tx_.insert_event(e);
            const bool upcoming = !e.last_end || *e.last_end >= now_;
            if (upcoming_ && upcoming && e.fields.status != EventStatus::Cancelled) ++*upcoming_;
        } else {
            tx_.update_event(e);
            upcoming_.reset();  // a cancel or a move may change the count: count again
        }
        const store::EventChange change =
            record_version(tx_, stored, e, d.outcome, inbound_id_, policy_.fanout, now_);
        out.event_id = e.id;
        out.summary = e.fields.summary;
        out.start = e.fields.start;
        out.timezone = e.fields.timezone;
        out.recipients = change.queued;
        out.awaiting_approval = change.approval == "pending";
        out.change_id = change.id;
    }
    report_.events.push_back(std::move(out));
}

void EventBatch::apply_group(itip::Method method, const itip::UidGroup& g) {
    const IncomingEvent& first = g.master ? *g.master : *g.overrides.front();
    if (auto why = itip::organizer_mismatch(first, organizer_.email)) {
        std::string reason = *why;
        if (tx_.uid_owned_by_other(organizer_.email, g.uid))
            reason += "; this UID belongs to another organizer's event, which you cannot change";
        report_.events.push_back(EventOutcome{g.uid, first.recurrence_id, Outcome::Rejected, reason,
                                              "", first.fields.summary, first.fields.start,
                                              first.fields.timezone, 0});
        return;
    }
    if (g.master) {
        decide_and_store(method, g, tx_.find_event(organizer_.email, g.uid, ""));
        return;
    }
    if (auto series = tx_.find_event(organizer_.email, g.uid, "")) {
        decide_and_store(method, g, series);
        return;
    }
    // Occurrences of a series CIS never saw: each is kept as an event of its own,
    // keyed by (organizer, UID, RECURRENCE-ID).
    for (const IncomingEvent* ov : g.overrides) {
        itip::UidGroup lone{g.uid, ov, {}};
        decide_and_store(method, lone, tx_.find_event(organizer_.email, g.uid, ov->recurrence_id));
    }
}

void EventBatch::apply(itip::Method method, const IncomingCalendar& cal) {
    for (const auto& g : itip::group_by_uid(cal)) apply_group(method, g);
}

}  // namespace cis::services
