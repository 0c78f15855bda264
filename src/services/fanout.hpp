#pragma once
// Update and cancel fan-out (SPEC §3.4). Every applied version of an event is recorded
// as an EventChange; an update goes to every attendee whose latest answer is Yes or
// Maybe, a cancellation to everyone whose calendar may hold the event, both with the
// same per-recipient UID and the new SEQUENCE. The messages are queued in the caller's
// transaction, together with the version itself: after a crash either both exist or
// neither, and the outbox's unique index keeps each (event, SEQUENCE, recipient) once.
// Queued messages of older versions are superseded. With manual approval on (event →
// organizer → installation), the change waits, listed, until approved or rejected.
#include <cstdint>
#include <optional>
#include <string>

#include "core/event.hpp"
#include "itip/intake_rules.hpp"
#include "store/store.hpp"

namespace cis::services {

struct FanOutSettings {
    std::string domain, bounce_local = "bounce", token_key;
    bool approval_default = false;  // installation: updates and cancels wait for approval
};

// Records the version `after` (which `outcome` produced from `before`) and, unless it
// must wait for approval, queues its fan-out. Returns the stored change.
store::EventChange record_version(store::Tx& tx, const std::optional<Event>& before,
                                  const Event& after, itip::Outcome outcome,
                                  std::optional<std::int64_t> inbound_id, const FanOutSettings& s,
                                  std::int64_t now);

struct ChangeDecision {
    int status = 200;  // HTTP-like: 200, 404 not found, 409 not pending
    std::string error_code, error_message;
    store::EventChange change;
};

// Approving queues the fan-out of a pending change; rejecting drops it (the event keeps
// the new version; its recipients are not told). `who`: the deciding API key's id.
ChangeDecision approve_change(store::Tx& tx, std::int64_t change_id, const FanOutSettings& s,
                              const std::string& who, std::int64_t now);
ChangeDecision reject_change(store::Tx& tx, std::int64_t change_id, const std::string& who,
                             std::int64_t now);

}  // namespace cis::services
