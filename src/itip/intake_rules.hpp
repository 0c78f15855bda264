#pragma once
// The rules of SPEC §3.1 for create@: given what is stored and what the organizer's
// client sent, decide what happens. Pure functions: time and ownership facts are
// passed in, nothing is read or written here.
#include <optional>
#include <string>
#include <vector>

#include "core/event.hpp"
#include "itip/method.hpp"

namespace cis::itip {

enum class Outcome {
    Created,
    Updated,
    Reinstated,
    Cancelled,
    OccurrenceUpdated,
    OccurrenceCancelled,
    Unchanged,  // identical repeat: nothing to do
    Stale,      // older than what is stored: ignored and recorded
    Rejected,
};
const char* to_string(Outcome o);
// True for outcomes that changed the stored event (and so may need a fan-out).
bool changes_event(Outcome o);

// The VEVENTs of one calendar that share a UID.
struct UidGroup {
    std::string uid;
    const IncomingEvent* master = nullptr;        // no RECURRENCE-ID (or a lone occurrence)
    std::vector<const IncomingEvent*> overrides;  // RECURRENCE-ID instances
};
std::vector<UidGroup> group_by_uid(const IncomingCalendar& cal);

struct Context {
    std::int64_t now = 0;
    bool accept_past_events = false;
    // Filled in by the caller from the store and the organizer's limits.
    bool may_create = true;
    std::string may_not_create_reason;
};

struct Decision {
    Outcome outcome = Outcome::Rejected;
    std::string reason;          // one sentence a person understands
    std::optional<Event> event;  // the event to store, for outcomes that change it
};

// Decides for one UID group. `stored` is the series (or lone occurrence) with this
// key, if any. A new event comes back with an empty id: the caller assigns one.
Decision decide(Method method, const UidGroup& group, const std::optional<Event>& stored,
                const std::string& organizer, const Context& ctx);

// Whether `sender` may act for the ORGANIZER of this VEVENT: the organizer itself,
// its SENT-BY delegate, or any sender when the client wrote no ORGANIZER.
// Returns the reason when not.
std::optional<std::string> organizer_mismatch(const IncomingEvent& ev, const std::string& sender);

// The methods create@ refuses, with the reason; nullopt for those it takes.
std::optional<std::string> refused_method(Method m);

}  // namespace cis::itip
