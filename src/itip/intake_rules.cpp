#include "itip/intake_rules.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>

namespace cis::itip {

const char* to_string(Outcome o) {
    switch (o) {
        case Outcome::Created:
            return "created";
        case Outcome::Updated:
            return "updated";
        case Outcome::Reinstated:
            return "reinstated";
        case Outcome::Cancelled:
            return "cancelled";
        case Outcome::OccurrenceUpdated:
            return "occurrence_updated";
        case Outcome::OccurrenceCancelled:
            return "occurrence_cancelled";
        case Outcome::Unchanged:
            return "unchanged";
        case Outcome::Stale:
            return "stale";
        case Outcome::Rejected:
            return "rejected";
    }
    return "rejected";
}

bool changes_event(Outcome o) {
    return o != Outcome::Unchanged && o != Outcome::Stale && o != Outcome::Rejected;
}

std::vector<UidGroup> group_by_uid(const IncomingCalendar& cal) {
    std::vector<UidGroup> groups;
    std::map<std::string, std::size_t> index;
    for (const auto& ev : cal.events) {
        auto [it, fresh] = index.emplace(ev.uid, groups.size());
        if (fresh) groups.push_back(UidGroup{ev.uid, nullptr, {}});
        UidGroup& g = groups[it->second];
        if (!ev.recurrence_id.empty()) {
            g.overrides.push_back(&ev);
        } else if (!g.master || g.master->version < ev.version) {
            // Two masters with one UID (iCloud does this): the newer one stands.
            g.master = &ev;
        }
    }
    return groups;
}

std::optional<std::string> refused_method(Method m) {
    switch (m) {
        case Method::Reply:
        case Method::Counter:
        case Method::Refresh:
        case Method::DeclineCounter:
            return fmt::format(
                "METHOD:{} is an attendee's answer, not an invitation; create@ only takes "
                "invitations (REQUEST, PUBLISH) and cancellations (CANCEL) from organizers",
                to_string(m));
        case Method::Add:
            return std::string(
                "METHOD:ADD (adding instances to a series) is not supported; send the whole "
                "series again as REQUEST");
        case Method::Unknown:
            return std::string("the calendar's METHOD is not an iTIP method");
        default:
            return std::nullopt;
    }
}

std::optional<std::string> organizer_mismatch(const IncomingEvent& ev, const std::string& sender) {
    if (ev.organizer.empty() && ev.organizer_raw.empty()) return std::nullopt;
    if (ev.organizer == sender || ev.sent_by == sender) return std::nullopt;
    if (ev.organizer.empty())
        return fmt::format("the event's ORGANIZER ({}) is not an email address", ev.organizer_raw);
    return fmt::format(
        "the event's ORGANIZER is {}, not the sender {}; only the organizer (or a delegate "
        "named in SENT-BY) can create or change it",
        ev.organizer, sender);
}

namespace {

std::string describe(const Version& v) {
    return fmt::format("SEQUENCE {}, DTSTAMP {}", v.sequence,
                       v.dtstamp ? format_basic_utc(v.dtstamp) : std::string("none"));
}

Occurrence to_occurrence(const IncomingEvent& ev) {
    return Occurrence{ev.recurrence_id, ev.fields, ev.version};
}

// Puts an occurrence in its sorted place, replacing one with the same key.
void upsert(std::vector<Occurrence>& list, Occurrence occ) {
    auto it = std::lower_bound(
        list.begin(), list.end(), occ.recurrence_id,
        [](const Occurrence& o, const std::string& k) { return o.recurrence_id < k; });
    if (it != list.end() && it->recurrence_id == occ.recurrence_id)
        *it = std::move(occ);
    else
        list.insert(it, std::move(occ));
}

const Occurrence* find_occurrence(const Event& e, const std::string& key) {
    for (const auto& o : e.occurrences)
        if (o.recurrence_id == key) return &o;
    return nullptr;
}

bool same_content(const Event& a, const Event& b) {
    return a.fields == b.fields && a.recurrence == b.recurrence &&
           a.occurrences.size() == b.occurrences.size() &&
           std::equal(a.occurrences.begin(), a.occurrences.end(), b.occurrences.begin(),
                      [](const Occurrence& x, const Occurrence& y) {
                          return x.recurrence_id == y.recurrence_id && x.fields == y.fields;
                      });
}

// The series as this message describes it: master fields, overrides it carries,
// and occurrences cancelled earlier that it does not mention (cancellations stand
// until the organizer sends that occurrence again).
Event merge_series(const Event& base, const UidGroup& g) {
    Event e = base;
    e.fields = g.master->fields;
    e.recurrence = g.master->recurrence;
    e.last_end = g.master->last_end;
    e.organizer_version = g.master->version;
    std::vector<Occurrence> occ;
    for (const auto& o : base.occurrences)
        if (o.fields.status == EventStatus::Cancelled) upsert(occ, o);
    for (const auto* ov : g.overrides) upsert(occ, to_occurrence(*ov));
    e.occurrences = std::move(occ);
    return e;
}

Decision reject(std::string reason) {
    return Decision{Outcome::Rejected, std::move(reason), {}};
}

Decision cancel_series(const IncomingEvent& m, const std::optional<Event>& stored,
                       const Context& ctx) {
    if (!stored)
        return reject(fmt::format(
            "there is no event with UID {} of yours to cancel (it was never created here)", m.uid));
    if (stored->fields.status == EventStatus::Cancelled)
        return Decision{Outcome::Unchanged, "the event was already cancelled", {}};
    // Outlook for Mac and BlueMind cancel with the SEQUENCE of the last REQUEST and
    // Tine 2.0 with 0 (CLIENT-QUIRKS §5): a cancel is stale only when its SEQUENCE is
    // lower than what is stored.
    if (m.version.sequence < stored->organizer_version.sequence)
        return Decision{Outcome::Stale,
                        fmt::format("this cancellation ({}) is older than the stored version ({})",
                                    describe(m.version), describe(stored->organizer_version)),
                        {}};
    Event e = *stored;
    e.fields.status = EventStatus::Cancelled;
    e.organizer_version = std::max(e.organizer_version, m.version);
    e.sequence += 1;
    e.updated_at = ctx.now;
    return Decision{Outcome::Cancelled, "the event is cancelled", std::move(e)};
}

Decision cancel_occurrences(const UidGroup& g, const std::optional<Event>& stored,
                            const Context& ctx) {
    if (!stored)
        return reject(fmt::format(
            "there is no event with UID {} of yours, so none of its occurrences can be cancelled",
            g.uid));
    if (stored->fields.status == EventStatus::Cancelled)
        return Decision{Outcome::Unchanged, "the whole event is already cancelled", {}};
    Event e = *stored;
    std::vector<std::string> done, stale, already;
    for (const auto* ov : g.overrides) {
        const Occurrence* old = find_occurrence(e, ov->recurrence_id);
        if (old && old->fields.status == EventStatus::Cancelled) {
            already.push_back(ov->recurrence_id);
            continue;
        }
        if (old && ov->version < old->version) {
            stale.push_back(ov->recurrence_id);
            continue;
        }
        Occurrence occ = to_occurrence(*ov);
        occ.fields.status = EventStatus::Cancelled;
        upsert(e.occurrences, std::move(occ));
        done.push_back(ov->recurrence_id);
    }
    if (done.empty()) {
        if (!stale.empty())
            return Decision{Outcome::Stale,
                            fmt::format("the cancellation of occurrence {} is older than the "
                                        "stored version of it",
                                        fmt::join(stale, ", ")),
                            {}};
        return Decision{
            Outcome::Unchanged,
            fmt::format("occurrence {} was already cancelled", fmt::join(already, ", ")),
            {}};
    }
    e.sequence += 1;
    e.updated_at = ctx.now;
    return Decision{Outcome::OccurrenceCancelled,
                    fmt::format("occurrence {} cancelled", fmt::join(done, ", ")), std::move(e)};
}

Decision update_occurrences(const UidGroup& g, const Event& stored, const Context& ctx) {
    if (stored.fields.status == EventStatus::Cancelled)
        return Decision{Outcome::Unchanged,
                        "the event is cancelled; send the whole series again to reinstate it",
                        {}};
    Event e = stored;
    std::vector<std::string> done, stale;
    for (const auto* ov : g.overrides) {
        const Occurrence* old = find_occurrence(e, ov->recurrence_id);
        if (old && ov->version < old->version) {
            stale.push_back(ov->recurrence_id);
            continue;
        }
        if (old && old->fields == ov->fields) continue;
        upsert(e.occurrences, to_occurrence(*ov));
        done.push_back(ov->recurrence_id);
    }
    if (done.empty()) {
        if (!stale.empty())
            return Decision{Outcome::Stale,
                            fmt::format("the change to occurrence {} is older than the stored one",
                                        fmt::join(stale, ", ")),
                            {}};
        return Decision{Outcome::Unchanged, "identical to the stored version", {}};
    }
    e.sequence += 1;
    e.updated_at = ctx.now;
    return Decision{Outcome::OccurrenceUpdated,
                    fmt::format("occurrence {} changed", fmt::join(done, ", ")), std::move(e)};
}

Decision create(const UidGroup& g, const std::string& organizer, const Context& ctx) {
    const IncomingEvent& m = *g.master;
    if (m.fields.status == EventStatus::Cancelled)
        return reject(
            fmt::format("this is a cancellation of UID {}, which was never created here", m.uid));
    if (!ctx.accept_past_events && m.last_end && *m.last_end < ctx.now)
        return reject(fmt::format("the event is over (it ended {}); CIS only takes upcoming events",
                                  rfc3339_utc(*m.last_end)));
    if (!ctx.may_create) return reject(ctx.may_not_create_reason);
    Event e;
    e.organizer = organizer;
    e.original_uid = m.uid;
    e.recurrence_id = m.recurrence_id;
    e.created_at = e.updated_at = ctx.now;
    e = merge_series(e, g);
    return Decision{Outcome::Created, "the event is created", std::move(e)};
}

}  // namespace

Decision decide(Method method, const UidGroup& g, const std::optional<Event>& stored,
                const std::string& organizer, const Context& ctx) {
    if (auto why = refused_method(method)) return reject(*why);
    const bool cancelling =
        method == Method::Cancel || (g.master && g.master->fields.status == EventStatus::Cancelled);
    if (cancelling) {
        if (g.master) return cancel_series(*g.master, stored, ctx);
        return cancel_occurrences(g, stored, ctx);
    }
    const IncomingEvent& first = g.master ? *g.master : *g.overrides.front();
    if (first.fields.start.local.empty())
        return reject(
            fmt::format("the VEVENT {} has no readable DTSTART; only a cancellation "
                        "may leave it out",
                        g.uid));
    if (!g.master) {
        if (!stored)
            return reject(
                fmt::format("the message changes occurrences of UID {}, which was never "
                            "created here; send the whole series",
                            g.uid));
        return update_occurrences(g, *stored, ctx);
    }
    if (!stored) return create(g, organizer, ctx);

    if (g.master->version < stored->organizer_version)
        return Decision{
            Outcome::Stale,
            fmt::format("this version ({}) is older than the stored one ({})",
                        describe(g.master->version), describe(stored->organizer_version)),
            {}};
    Event e = merge_series(*stored, g);
    if (same_content(e, *stored))
        return Decision{Outcome::Unchanged, "identical to the stored version", {}};
    const bool reinstating = stored->fields.status == EventStatus::Cancelled;
    e.sequence += 1;
    e.updated_at = ctx.now;
    return Decision{reinstating ? Outcome::Reinstated : Outcome::Updated,
                    reinstating ? "the cancelled event is reinstated" : "the event is updated",
                    std::move(e)};
}

}  // namespace cis::itip
